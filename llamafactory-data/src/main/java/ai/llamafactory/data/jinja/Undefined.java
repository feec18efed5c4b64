package ai.llamafactory.data.jinja;

/**
 * Jinja's undefined value: a missing variable, key or attribute. It renders as nothing, is false, iterates as empty
 * and has length 0; using it as a number or string, or reading an attribute of it, is an error.
 */
final class Undefined {
    private final String name;

    Undefined(String name) {
        this.name = name;
    }

    /** @return a description of what was undefined, for error messages */
    String name() {
        return name;
    }

    @Override
    public String toString() {
        return "";
    }
}
