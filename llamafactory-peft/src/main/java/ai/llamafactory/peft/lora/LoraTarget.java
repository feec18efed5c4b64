package ai.llamafactory.peft.lora;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which linear modules receive an adapter ({@code lora_target} / PEFT's {@code target_modules}).
 *
 * <ul>
 *   <li>{@link Kind#ALL}: every linear layer of the decoder except the output projection (LLaMA-Factory's
 *       {@code find_all_linear_modules}, PEFT's {@code all-linear}).</li>
 *   <li>{@link Kind#NAMES}: modules whose dotted path equals a name or ends with {@code "." + name}
 *       ({@code q_proj}, {@code self_attn.q_proj} or {@code model.layers.0.self_attn.q_proj}).</li>
 *   <li>{@link Kind#REGEX}: modules whose whole path matches a regular expression (PEFT's string form).</li>
 * </ul>
 */
public final class LoraTarget {
    /** The kinds of target specification. */
    public enum Kind {
        /** Every linear layer of the decoder except {@code lm_head}. */
        ALL,
        /** A list of names matched against the end of the module path. */
        NAMES,
        /** A regular expression matched against the whole module path. */
        REGEX
    }

    private static final LoraTarget ALL = new LoraTarget(Kind.ALL, List.of(), null);

    private final Kind kind;
    private final List<String> names;
    private final Pattern regex;

    private LoraTarget(Kind kind, List<String> names, Pattern regex) {
        this.kind = kind;
        this.names = names;
        this.regex = regex;
    }

    /** @return every linear layer except the output projection */
    public static LoraTarget all() {
        return ALL;
    }

    /**
     * @param names module names (suffixes of module paths); duplicates are dropped, order kept
     * @return the target
     * @throws InvalidConfigException if the list is empty or a name is blank
     */
    public static LoraTarget names(List<String> names) {
        Objects.requireNonNull(names, "names");
        LinkedHashSet<String> set = new LinkedHashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new InvalidConfigException("lora_target: empty module name in " + names);
            }
            set.add(n.strip());
        }
        if (set.isEmpty()) {
            throw new InvalidConfigException("lora_target: no module names given");
        }
        return new LoraTarget(Kind.NAMES, Collections.unmodifiableList(new ArrayList<>(set)), null);
    }

    /**
     * @param names module names
     * @return the target
     */
    public static LoraTarget names(String... names) {
        return names(Arrays.asList(names));
    }

    /**
     * @param regex a regular expression that must match a module's whole path
     * @return the target
     * @throws InvalidConfigException if the expression does not compile
     */
    public static LoraTarget regex(String regex) {
        try {
            return new LoraTarget(Kind.REGEX, List.of(), Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new InvalidConfigException(
                    "lora_target: invalid regular expression '" + regex + "': " + e.getDescription());
        }
    }

    /**
     * Parses LLaMA-Factory's {@code lora_target} value: {@code all} or a comma-separated list of names.
     *
     * @param value e.g. {@code all} or {@code q_proj,v_proj}
     * @return the target
     * @throws InvalidConfigException if the value is empty
     */
    public static LoraTarget parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException("lora_target: empty value; use 'all' or a comma-separated list");
        }
        String v = value.strip();
        if (v.equals("all") || v.equals("all-linear")) {
            return ALL;
        }
        return names(Arrays.stream(v.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList());
    }

    /** @return the kind of specification */
    public Kind kind() {
        return kind;
    }

    /** @return the names for {@link Kind#NAMES}, empty otherwise */
    public List<String> names() {
        return names;
    }

    /** @return the pattern for {@link Kind#REGEX}, or null */
    public Pattern pattern() {
        return regex;
    }

    /**
     * Whether a module path is selected by a name list or pattern (for {@link Kind#ALL} the caller decides which
     * modules are linear layers).
     *
     * @param path a dotted module path
     * @return true if it matches
     */
    public boolean matches(String path) {
        return switch (kind) {
            case ALL -> true;
            case NAMES -> matchesAnyName(path, names);
            case REGEX -> regex.matcher(path).matches();
        };
    }

    /**
     * PEFT's rule for a list of names: the path equals a name or ends with {@code "." + name}.
     *
     * @param path a module path
     * @param candidates names
     * @return true if one matches
     */
    static boolean matchesAnyName(String path, List<String> candidates) {
        for (String n : candidates) {
            if (path.equals(n) || path.endsWith("." + n)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoraTarget t
                && t.kind == kind
                && t.names.equals(names)
                && Objects.equals(regex == null ? null : regex.pattern(), t.regex == null ? null : t.regex.pattern());
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, names, regex == null ? null : regex.pattern());
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALL -> "all";
            case NAMES -> String.join(",", names);
            case REGEX -> regex.pattern();
        };
    }
}
