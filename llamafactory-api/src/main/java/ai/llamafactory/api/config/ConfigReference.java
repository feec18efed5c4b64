package ai.llamafactory.api.config;

import java.util.Map;

/**
 * Writes the reference table of configuration keys ({@code docs/configuration-keys.md}) from the key declarations,
 * so that the table cannot drift from the code: a test regenerates it and compares.
 */
final class ConfigReference {
    private ConfigReference() {}

    /** @return the whole markdown file */
    static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration keys\n\n")
                .append("Generated from the `Key` declarations in `ai.llamafactory.api.config` by `ConfigReference`; ")
                .append("do not edit. `ConfigurationKeysDocTest` fails when this file is out of date and rewrites ")
                .append("it when run with `-Dllamafactory.writeDocs=true`.\n");
        for (ArgumentGroup<?, ?> group : ConfigSchema.GROUPS) {
            out.append("\n## ").append(group.section()).append("\n\n");
            out.append("| key | default | accepts | what it does |\n| --- | --- | --- | --- |\n");
            for (Key<?> key : group.declarations()) {
                String doc = key.doc()
                        + key.unsupportedReason()
                                .map(r -> ". **Not supported yet** at any value " + "but the default: " + r)
                                .orElse("");
                out.append("| `")
                        .append(key.name())
                        .append("` | ")
                        .append(cell(key.defaultText()))
                        .append(" | ")
                        .append(cell(key.accepts()))
                        .append(" | ")
                        .append(cell(doc))
                        .append(" |\n");
            }
        }
        out.append("\n## Accepted for compatibility, without effect\n\n| key | why |\n| --- | --- |\n");
        for (Map.Entry<String, String> e : ConfigSchema.IGNORED.entrySet()) {
            out.append("| `")
                    .append(e.getKey())
                    .append("` | ")
                    .append(cell(e.getValue()))
                    .append(" |\n");
        }
        out.append("\n## Refused unless off\n\n| key | why |\n| --- | --- |\n");
        for (Map.Entry<String, ConfigSchema.Unsupported> e : ConfigSchema.UNSUPPORTED.entrySet()) {
            out.append("| `")
                    .append(e.getKey())
                    .append("` | ")
                    .append(cell(e.getValue().reason()))
                    .append(" |\n");
        }
        out.append("\n## Older spellings\n\n| key | means |\n| --- | --- |\n");
        ConfigSchema.ALIASES.forEach((alias, key) ->
                out.append("| `").append(alias).append("` | `").append(key).append("` |\n"));
        return out.toString();
    }

    private static String cell(String text) {
        return text.replaceAll("\\{@code ([^}]*)}", "`$1`").replace("|", "\\|").replace("\n", " ");
    }
}
