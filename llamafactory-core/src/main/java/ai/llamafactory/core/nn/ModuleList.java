package ai.llamafactory.core.nn;

import java.util.List;

/** An ordered list of modules named {@code 0, 1, 2...}, like torch's ModuleList ({@code model.layers.3}). */
public final class ModuleList extends Module {
    private final int size;

    /**
     * @param modules the modules, in order
     */
    public ModuleList(List<? extends Module> modules) {
        for (int i = 0; i < modules.size(); i++) {
            addChild(Integer.toString(i), modules.get(i));
        }
        this.size = modules.size();
    }

    /** @return the number of modules */
    public int size() {
        return size;
    }

    /**
     * @param index position
     * @return the module at that position
     */
    public Module get(int index) {
        return child(Integer.toString(index));
    }
}
