package ai.llamafactory.peft.lora;

import ai.llamafactory.core.nn.Module;
import java.util.Set;

/** A container of per-adapter modules keyed by adapter name, like PEFT's {@code nn.ModuleDict} ({@code lora_A}). */
final class AdapterDict extends Module {

    void put(String adapter, Module module) {
        addChild(adapter, module);
    }

    Module remove(String adapter) {
        return removeChild(adapter);
    }

    boolean has(String adapter) {
        return children().containsKey(adapter);
    }

    Module get(String adapter) {
        return child(adapter);
    }

    Set<String> names() {
        return children().keySet();
    }
}
