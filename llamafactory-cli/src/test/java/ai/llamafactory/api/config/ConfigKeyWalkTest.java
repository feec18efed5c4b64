package ai.llamafactory.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.api.spi.TrainerProvider;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Walks every configuration key the YAML schema and the builders accept and fails for any key that no module honours
 * and that is not refused: a setting we do not implement must be refused, never accepted and ignored.
 *
 * <h2>How "honoured" is decided</h2>
 * Each module that acts on configuration keys lists them in {@code META-INF/llamafactory/<module>.honoured-keys}
 * (a registry: the module's own claim). The claim is checked mechanically against the module's compiled classes
 * ({@link ConfigKeyBytecode}): the getter lambda of the key's schema entry names the field; the accessors of the key
 * are the public methods of the argument class reading that field (and {@link FineTuneConfig}'s derived methods such
 * as {@code computePrecision()} calling them); at least one of the module's classes must call or take a reference to
 * one of those accessors. A read is not enough on its own: a module that reads a key only to refuse it (as
 * {@code PeftArguments} reads {@code quantization_bit}) does not list it, so the key must then be refused.
 *
 * <h2>How "refused" is decided</h2>
 * A key no module lists is set, alone, to non-default values of its type (every constant of an enum, true and false,
 * a few integers and numbers, a name) through {@link FineTuneConfig#fromArguments}; every such value must end in an
 * {@link InvalidConfigException} whose message starts with {@code <key>: not supported} and names the value, and at
 * least one value must reach that refusal (values rejected earlier, e.g. out of range, prove nothing). Setting the key
 * to its default must be accepted.
 *
 * <h2>Keys of stages without a trainer</h2>
 * The preference and PPO keys ({@code pref_beta}, {@code reward_model}, ...) only act in stages rm, dpo, kto and ppo.
 * They are accepted unread only while no trainer on the class path supports those stages (checked here through
 * {@link ai.llamafactory.api.spi.Plugins#trainerProvider}, which then refuses the run before a model is loaded); once a module adds such a trainer,
 * it has to list the keys it honours.
 */
class ConfigKeyWalkTest {
    private static final List<String> MODULES = List.of(
            "llamafactory-data",
            "llamafactory-core",
            "llamafactory-peft",
            "llamafactory-rlhf",
            "llamafactory-server",
            "llamafactory-cli");

    private static final Set<String> PREFERENCE_KEYS = Set.of(
            "pref_beta",
            "pref_ftx",
            "pref_bco_weight",
            "pref_loss",
            "dpo_label_smoothing",
            "kto_chosen_weight",
            "kto_rejected_weight",
            "simpo_gamma",
            "ld_alpha",
            "ppo_buffer_size",
            "ppo_epochs",
            "ppo_score_norm",
            "ppo_target",
            "ppo_whiten_rewards",
            "ref_model",
            "ref_model_adapters",
            "ref_model_quantization_bit",
            "reward_model",
            "reward_model_adapters",
            "reward_model_quantization_bit",
            "reward_model_type");
    private static final List<Stage> PREFERENCE_STAGES = List.of(Stage.RM, Stage.DPO, Stage.KTO, Stage.PPO);

    private final ConfigKeyBytecode bytecode = new ConfigKeyBytecode();

    /** @return key to the modules declaring it, for every module found on the class path */
    private static Map<String, List<Path>> declarations() {
        Map<String, List<Path>> declared = new TreeMap<>();
        for (String module : MODULES) {
            ConfigKeyBytecode.declarations("META-INF/llamafactory/" + module + ".honoured-keys")
                    .forEach((root, keys) -> keys.forEach(k ->
                            declared.computeIfAbsent(k, x -> new ArrayList<>()).add(root)));
        }
        return declared;
    }

    @Test
    void theBytecodeReadingFindsEverySchemaKey() {
        Set<String> schema = new LinkedHashSet<>();
        ConfigSchema.GROUPS.forEach(g -> schema.addAll(g.keys().keySet()));
        assertThat(bytecode.keys().keySet()).containsExactlyInAnyOrderElementsOf(schema);
        assertThat(bytecode.keys().get("use_galore").field()).isEqualTo("USE_GALORE"); // the Key constant
        assertThat(bytecode.accessors("bf16"))
                .extracting(Object::toString)
                .contains("TrainingArguments.bf16()", "FineTuneConfig.computePrecision()");
        assertThat(bytecode.accessors("quantization_bit"))
                .extracting(Object::toString)
                .containsExactly("ModelArguments.quantizationBit()");
    }

    @Test
    void everyBuilderMethodSetsASchemaKey() {
        for (Class<?> type : ConfigKeyBytecode.ARGUMENT_CLASSES) {
            Set<String> unbound = ConfigKeyBytecode.builderSetters(type);
            bytecode.keys().values().forEach(k -> unbound.remove(k.builderMethod()));
            assertThat(unbound)
                    .as("%s.Builder methods that set no configuration key", type.getSimpleName())
                    .isEmpty();
        }
        // FineTune holds nothing but the argument builders, its listeners and a class loader: every setting it
        // accepts lands in a key walked here.
        for (Field f : FineTune.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            assertThat(f.getType().getName())
                    .as("FineTune field %s", f.getName())
                    .matches("ai\\.llamafactory\\.api\\.config\\.[A-Za-z]+Arguments\\$Builder|java\\.util\\.List"
                            + "|java\\.util\\.Map|java\\.lang\\.ClassLoader");
        }
    }

    @Test
    void everyDeclaredKeyIsReadByTheModuleDeclaringIt() {
        Map<String, List<Path>> declared = declarations();
        assertThat(declared).as("modules declaring honoured keys").isNotEmpty();
        Map<Path, Set<ConfigKeyBytecode.MethodRef>> calls = new HashMap<>();
        List<String> problems = new ArrayList<>();
        declared.forEach((key, roots) -> {
            if (!bytecode.keys().containsKey(key)) {
                problems.add(key + ": declared by " + roots + " but not a schema key");
                return;
            }
            for (Path root : roots) {
                Set<ConfigKeyBytecode.MethodRef> called =
                        calls.computeIfAbsent(root, ConfigKeyBytecode::methodsCalledIn);
                if (bytecode.accessors(key).stream().noneMatch(called::contains)) {
                    problems.add(
                            key + ": declared by " + root + ", whose classes call none of " + bytecode.accessors(key));
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyKeyNoModuleHonoursIsRefusedUnlessAtItsDefault() {
        Set<String> declared = declarations().keySet();
        FineTuneConfig defaults = FineTuneConfig.fromArguments(Map.of("model_name_or_path", "org/model"));
        List<String> problems = new ArrayList<>();
        Map<String, String> refusals = new LinkedHashMap<>();
        for (ArgumentGroup<?, ?> group : ConfigSchema.GROUPS) {
            for (ConfigKey<?, ?, ?> key : group.keys().values()) {
                String name = key.name();
                if (declared.contains(name) || PREFERENCE_KEYS.contains(name)) {
                    continue;
                }
                Object defaultValue = fileValue(key, defaults);
                Map<String, Object> atDefault = new HashMap<>(Map.of("model_name_or_path", "org/model"));
                atDefault.put(name, defaultValue);
                assertThat(FineTuneConfig.fromArguments(atDefault))
                        .as("%s at its default", name)
                        .isEqualTo(defaults);
                int refused = 0;
                for (Object value : candidates(key)) {
                    if (value.equals(defaultValue)) {
                        continue;
                    }
                    Map<String, Object> args = new HashMap<>(Map.of("model_name_or_path", "org/model", name, value));
                    try {
                        FineTuneConfig accepted = FineTuneConfig.fromArguments(args);
                        if (!java.util.Objects.equals(fileValue(key, accepted), defaultValue)) {
                            problems.add(name + ": no module honours it, yet " + value + " was accepted");
                        }
                    } catch (InvalidConfigException e) {
                        if (e.getMessage().contains(name + ": not supported")) {
                            refused++;
                            refusals.putIfAbsent(name, e.getMessage());
                        }
                    }
                }
                if (refused == 0) {
                    problems.add(
                            name + ": no module honours it and no non-default value was refused as not " + "supported");
                }
            }
        }
        assertThat(problems).isEmpty();
        // The refusals say what to use instead or that the feature is missing, and show the value.
        assertThat(refusals.get("use_galore"))
                .isEqualTo("argument 'use_galore': use_galore: not supported by "
                        + "LlamaFactory for Java yet (the GaLore optimizer is not implemented yet; use finetuning_type lora, "
                        + "or full/freeze with optim adamw_torch), got true");
        assertThat(refusals.get("quantization_bit"))
                .startsWith("argument 'quantization_bit': quantization_bit: not "
                        + "supported by LlamaFactory for Java yet (quantized loading (QLoRA) is not implemented yet");
        assertThat(refusals)
                .containsKeys(
                        "use_badam",
                        "quantization_method",
                        "double_quantization",
                        "rope_scaling",
                        "num_beams",
                        "export_quantization_bit");
    }

    @Test
    void preferenceKeysAreOnlyAcceptedWhileNoTrainerRunsTheirStages() {
        Set<String> declared = declarations().keySet();
        List<TrainerProvider> providers = Plugins.trainerProviders(getClass().getClassLoader());
        assertThat(providers).as("trainers on the class path").isNotEmpty();
        for (Stage stage : PREFERENCE_STAGES) {
            FineTuneConfig config = FineTuneConfig.fromArguments(Map.of(
                    "model_name_or_path",
                    "org/model",
                    "stage",
                    stage.key(),
                    "reward_model",
                    "org/reward",
                    "do_train",
                    true,
                    "dataset",
                    "identity"));
            boolean runnable = providers.stream().anyMatch(p -> p.supports(config));
            if (runnable) {
                assertThat(declared)
                        .as("a trainer runs stage %s: its keys must be declared", stage.key())
                        .containsAll(PREFERENCE_KEYS);
            } else {
                assertThatThrownBy(
                                () -> Plugins.trainerProvider(config, getClass().getClassLoader()))
                        .isInstanceOf(InvalidConfigException.class)
                        .hasMessageContaining("no trainer supports stage " + stage.key());
            }
        }
        Set<String> schema = new LinkedHashSet<>();
        ConfigSchema.GROUPS.forEach(g -> schema.addAll(g.keys().keySet()));
        assertThat(schema).containsAll(PREFERENCE_KEYS);
    }

    @Test
    void keysOutsideTheArgumentClassesAreRefusedOrReportedLoudly() {
        // Not-implemented features outside the argument classes are refused unless off ...
        for (Map.Entry<String, ConfigSchema.Unsupported> e : ConfigSchema.UNSUPPORTED.entrySet()) {
            Object on = e.getKey().equals("mixture_of_depths")
                            || e.getKey().equals("new_special_tokens_config")
                            || e.getKey().equals("init_special_tokens")
                    ? "x"
                    : e.getKey().equals("label_smoothing_factor") ? 0.1 : true;
            Map<String, Object> args = Map.of("model_name_or_path", "org/model", e.getKey(), on);
            assertThatThrownBy(() -> FineTuneConfig.fromArguments(args))
                    .as(e.getKey())
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining(e.getKey() + ": not supported by LlamaFactory for Java");
        }
        // ... and keys that make no difference here are kept and reported with the reason, never dropped silently.
        for (String key : ConfigSchema.IGNORED.keySet()) {
            FineTuneConfig config = FineTuneConfig.fromArguments(Map.of("model_name_or_path", "org/model", key, 1));
            assertThat(config.ignoredKeys()).as(key).containsKey(key);
            assertThat(config.warnings()).as(key).anyMatch(w -> w.startsWith(key + ": accepted but ignored ("));
        }
    }

    /** @return the key's value in a configuration, in file form (GROUPS and the argument getters share an order) */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object fileValue(ConfigKey<?, ?, ?> key, FineTuneConfig config) {
        int group = ConfigSchema.GROUPS.indexOf(ConfigSchema.groupOf(key.name()));
        Object arguments = List.of(
                        config.model(),
                        config.finetuning(),
                        config.data(),
                        config.training(),
                        config.generating(),
                        config.export())
                .get(group);
        return ((ConfigKey) key).fileValue(arguments);
    }

    /** @return values of the key's type to try, in file form */
    private static List<Object> candidates(ConfigKey<?, ?, ?> key) {
        String type = key.description();
        if (type.startsWith("one of [")) {
            return new ArrayList<>(List.of(
                    type.substring("one of [".length(), type.length() - 1).split(", ")));
        }
        return switch (type) {
            case "true or false" -> List.of(true, false);
            case "an integer" -> List.of(4, 8, 1, 2, 3, 7, 100);
            case "a number" -> List.of(0.5, 3.0, 0.25, 1.5);
            case "a string", "a path", "a comma-separated list of names" -> List.of("x");
            case "a comma-separated list of numbers" -> List.of("0.5");
            case "a mapping or a JSON object string" -> List.of(Map.of("x", 1));
            default -> throw new IllegalStateException("no candidate values for " + key.name() + ": " + type);
        };
    }
}
