package ai.llamafactory.data.template;

import java.util.List;
import java.util.Objects;

/**
 * What {@link TemplateAudit} found: for each probe conversation the text and ids of the chosen template and of the
 * tokenizer's own chat template and where they first differ, the end-of-turn text that receives labels, whether the
 * tokens generation stops on are ever learned, and warnings.
 *
 * @param templateName the audited template
 * @param tokenizerHasChatTemplate whether the tokenizer has a Jinja chat template to compare with
 * @param probes one entry per probe conversation (training sequence and generation prompt)
 * @param stopTokens the tokens generation stops on and whether each receives a label
 * @param warnings human-readable findings (mismatches, untrained stop tokens)
 */
public record TemplateAuditReport(
        String templateName,
        boolean tokenizerHasChatTemplate,
        List<ProbeResult> probes,
        List<StopTokenCheck> stopTokens,
        List<String> warnings) {

    /** Copies the lists. */
    public TemplateAuditReport {
        Objects.requireNonNull(templateName, "templateName");
        probes = List.copyOf(probes);
        stopTokens = List.copyOf(stopTokens);
        warnings = List.copyOf(warnings);
    }

    /**
     * One probe rendered both ways.
     *
     * @param name the probe name, e.g. {@code two turns}
     * @param generationPrompt false for the full training sequence, true for the inference prompt
     * @param templateText the chosen template's text
     * @param tokenizerText the tokenizer chat template's text; null when there is none or it failed
     * @param tokenizerError why the tokenizer's template produced nothing (null when it rendered)
     * @param firstTextDifference index of the first differing character, -1 when equal (or not compared)
     * @param templateIds the chosen template's ids
     * @param tokenizerIds the tokenizer chat template's ids (empty when there is none)
     * @param firstIdDifference index of the first differing id, -1 when equal (or not compared)
     * @param labelledTurnEnds for training probes: the labelled text after each assistant message's content (what
     *     ends a learned turn, e.g. {@code <|im_end|>\n})
     */
    public record ProbeResult(
            String name,
            boolean generationPrompt,
            String templateText,
            String tokenizerText,
            String tokenizerError,
            int firstTextDifference,
            int[] templateIds,
            int[] tokenizerIds,
            int firstIdDifference,
            List<String> labelledTurnEnds) {
        /** Copies the list. */
        public ProbeResult {
            labelledTurnEnds = List.copyOf(labelledTurnEnds);
        }

        /** @return whether both renderings exist and are identical */
        public boolean matches() {
            return tokenizerText != null && firstTextDifference < 0 && firstIdDifference < 0;
        }
    }

    /**
     * A token that ends generation.
     *
     * @param token its text
     * @param id its id
     * @param trained whether some probe gives it a label (the model learns to emit it)
     */
    public record StopTokenCheck(String token, int id, boolean trained) {}

    /** @return whether every probe renders identically with the tokenizer's chat template */
    public boolean matches() {
        return tokenizerHasChatTemplate && probes.stream().allMatch(ProbeResult::matches);
    }

    /** @return whether at least one token generation stops on receives a label */
    public boolean stopTokenTrained() {
        return stopTokens.stream().anyMatch(StopTokenCheck::trained);
    }

    /** @return a human-readable report */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("Template audit: ").append(templateName).append('\n');
        if (!tokenizerHasChatTemplate) {
            sb.append("  The tokenizer has no chat_template; nothing to compare with.\n");
        }
        for (ProbeResult p : probes) {
            sb.append("- ")
                    .append(p.name())
                    .append(p.generationPrompt() ? " (generation prompt)" : " (training)")
                    .append(": ");
            if (p.tokenizerError() != null) {
                sb.append("tokenizer template failed: ")
                        .append(p.tokenizerError())
                        .append('\n');
            } else if (p.tokenizerText() == null) {
                sb.append("not compared\n");
            } else if (p.matches()) {
                sb.append("identical (").append(p.templateIds().length).append(" tokens)\n");
            } else {
                sb.append("DIFFERENT");
                if (p.firstTextDifference() >= 0) {
                    sb.append(" at character ").append(p.firstTextDifference());
                }
                if (p.firstIdDifference() >= 0) {
                    sb.append(", first differing token at ").append(p.firstIdDifference());
                }
                sb.append('\n');
                sb.append("    template : ")
                        .append(excerpt(p.templateText(), p.firstTextDifference()))
                        .append('\n');
                sb.append("    tokenizer: ")
                        .append(excerpt(p.tokenizerText(), p.firstTextDifference()))
                        .append('\n');
            }
            if (!p.labelledTurnEnds().isEmpty()) {
                sb.append("    labelled turn ends: ");
                for (int i = 0; i < p.labelledTurnEnds().size(); i++) {
                    sb.append(i == 0 ? "" : ", ")
                            .append(quote(p.labelledTurnEnds().get(i)));
                }
                sb.append('\n');
            }
        }
        sb.append("Stop tokens:");
        for (StopTokenCheck s : stopTokens) {
            sb.append(' ')
                    .append(s.token())
                    .append(" (id ")
                    .append(s.id())
                    .append(s.trained() ? ", trained)" : ", NEVER trained)");
        }
        sb.append('\n');
        for (String w : warnings) {
            sb.append("WARNING: ").append(w).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    private static String excerpt(String text, int at) {
        if (text == null) {
            return "(none)";
        }
        int from = Math.max(0, at < 0 ? 0 : at - 30);
        int to = Math.min(text.length(), (at < 0 ? 0 : at) + 50);
        return (from > 0 ? "..." : "") + quote(text.substring(from, to)) + (to < text.length() ? "..." : "");
    }

    static String quote(String s) {
        return "\""
                + s.replace("\\", "\\\\")
                        .replace("\n", "\\n")
                        .replace("\t", "\\t")
                        .replace("\r", "\\r") + "\"";
    }
}
