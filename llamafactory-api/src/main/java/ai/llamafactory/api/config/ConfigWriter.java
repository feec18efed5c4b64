package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link FineTuneConfig} as a flat LLaMA-Factory YAML file (the {@code training_args.yaml} of a run):
 * non-default values only, grouped under {@code ### model}, {@code ### method}, ... headings like LLaMA-Factory's
 * examples. Credentials ({@code hf_hub_token}) are never written.
 */
final class ConfigWriter {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    private ConfigWriter() {}

    /** @return section heading to key to value, in writing order */
    static Map<String, Map<String, Object>> sections(FineTuneConfig config) {
        Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
        List<Object> groups = List.of(
                config.model(),
                config.finetuning(),
                config.data(),
                config.training(),
                config.generating(),
                config.export());
        for (int i = 0; i < groups.size(); i++) {
            ArgumentGroup<?, ?> group = ConfigSchema.GROUPS.get(i);
            sections.put(group.section(), values(group, groups.get(i)));
        }
        sections.put("accepted for compatibility, no effect here", new LinkedHashMap<>(config.ignoredKeys()));
        return sections;
    }

    @SuppressWarnings("unchecked")
    private static <A> Map<String, Object> values(ArgumentGroup<A, ?> group, Object arguments) {
        return group.fileValues((A) arguments);
    }

    static String toYaml(FineTuneConfig config) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Map<String, Object>> section : sections(config).entrySet()) {
            if (section.getValue().isEmpty()) {
                continue;
            }
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append("### ").append(section.getKey()).append('\n');
            try {
                out.append(YAML.writeValueAsString(section.getValue()));
            } catch (JsonProcessingException e) {
                throw new InvalidConfigException(
                        "cannot write section " + section.getKey() + " as YAML: " + e.getOriginalMessage(), e);
            }
        }
        return out.toString();
    }
}
