package ai.llamafactory.data.template;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.template.TemplateAuditReport.ProbeResult;
import ai.llamafactory.data.template.TemplateAuditReport.StopTokenCheck;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a chat template against the model before training (the most common cause of fine-tuned models that never
 * stop or answer in the wrong format is a template that differs from the one the model was trained with). Probe
 * conversations (one turn, a system prompt, two turns, and a thought for reasoning templates) are rendered with the
 * chosen template and with the tokenizer's own Jinja chat template; every difference in text or ids is reported,
 * both for the training sequence and for the generation prompt. The report also says which text ends each learned
 * turn and whether the tokens generation stops on ever receive a label.
 *
 * <pre>{@code
 * TemplateAuditReport report = TemplateAudit.run(TemplateRegistry.get("qwen3_nothink"), tokenizer, false);
 * System.out.println(report.render());
 * }</pre>
 */
public final class TemplateAudit {
    private static final String SYSTEM = "You are a helpful assistant.";

    private TemplateAudit() {}

    /**
     * Audits a template.
     *
     * @param template the template to train with
     * @param tokenizer the model's tokenizer (as loaded; the template's special-token fixes are applied here)
     * @param strict when true, a mismatch with the tokenizer's chat template, or stop tokens that are never learned,
     *     throws
     * @return the report
     * @throws InvalidConfigException in strict mode when the audit finds a problem; the message holds the report
     */
    public static TemplateAuditReport run(ChatTemplate template, Tokenizer tokenizer, boolean strict) {
        Objects.requireNonNull(template, "template");
        Tokenizer fixed = template.fixSpecialTokens(tokenizer);
        HfChatTemplate reference = HfChatTemplate.of(tokenizer).orElse(null);
        List<ProbeResult> probes = new ArrayList<>();
        List<Integer> labelled = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, Probe> e : probes(template).entrySet()) {
            Probe probe = e.getValue();
            probes.add(trainingProbe(e.getKey(), probe, template, fixed, reference, labelled));
            probes.add(generationProbe(e.getKey(), probe, template, fixed, reference));
        }
        for (ProbeResult p : probes) {
            if (reference != null && !p.matches()) {
                warnings.add("probe '" + p.name() + "' " + (p.generationPrompt() ? "(generation prompt)" : "(training)")
                        + (p.tokenizerError() != null
                                ? ": the tokenizer's chat template failed: " + p.tokenizerError()
                                : " renders differently from the tokenizer's chat template"));
            }
        }
        List<StopTokenCheck> stops = new ArrayList<>();
        List<Integer> stopIds = new ArrayList<>(template.stopTokenIds(fixed));
        tokenizer.specialTokens().eosId().ifPresent(id -> {
            if (!stopIds.contains(id)) {
                stopIds.add(id);
            }
        });
        for (int id : stopIds) {
            stops.add(new StopTokenCheck(fixed.idToToken(id).orElse("#" + id), id, labelled.contains(id)));
        }
        if (stops.stream().noneMatch(StopTokenCheck::trained)) {
            warnings.add("no stop token ("
                    + stops.stream().map(StopTokenCheck::token).toList() + ") ever receives a "
                    + "label: the fine-tuned model will not learn to stop");
        }
        if (reference == null) {
            warnings.add("the tokenizer has no chat_template: inference must use this template too");
        }
        TemplateAuditReport report =
                new TemplateAuditReport(template.name(), reference != null, probes, stops, warnings);
        if (strict && (!report.stopTokenTrained() || (reference != null && !report.matches()))) {
            throw new InvalidConfigException(
                    "Template audit failed for '" + template.name() + "':\n" + report.render());
        }
        return report;
    }

    private record Probe(String system, List<Message> messages) {}

    private static Map<String, Probe> probes(ChatTemplate template) {
        Map<String, Probe> out = new LinkedHashMap<>();
        out.put("one turn", new Probe("", List.of(Message.user("What is 2+2?"), Message.assistant("4."))));
        out.put(
                "system prompt",
                new Probe(SYSTEM, List.of(Message.user("Name a colour."), Message.assistant("Blue."))));
        out.put(
                "two turns",
                new Probe(
                        SYSTEM,
                        List.of(
                                Message.user("Name a colour."),
                                Message.assistant("Blue."),
                                Message.user("Another one?"),
                                Message.assistant("Green."))));
        if (template.kind() == ChatTemplate.Kind.REASONING) {
            out.put(
                    "with thought",
                    new Probe(
                            "",
                            List.of(
                                    Message.user("What is 2+2?"),
                                    Message.assistant(template.thoughtWords().get(0) + "2 plus 2 is 4."
                                            + template.thoughtWords().get(1) + "4."))));
        }
        return out;
    }

    private static ProbeResult trainingProbe(
            String name,
            Probe probe,
            ChatTemplate template,
            Tokenizer fixed,
            HfChatTemplate reference,
            List<Integer> labelled) {
        String text = template.renderConversation(fixed.specialTokens(), probe.messages(), probe.system(), "");
        List<EncodedTurn> turns = template.encodeMultiTurn(fixed, probe.messages(), probe.system(), "");
        List<Integer> ids = new ArrayList<>();
        List<String> turnEnds = new ArrayList<>();
        for (int t = 0; t < turns.size(); t++) {
            EncodedTurn turn = turns.get(t);
            for (int id : turn.sourceIds()) {
                ids.add(id);
            }
            if (template.efficientEos() && t > 0) {
                fixed.specialTokens().eosId().ifPresent(labelled::add);
            }
            for (int id : turn.targetIds()) {
                ids.add(id);
                labelled.add(id);
            }
            String target = fixed.decode(turn.targetIds(), false);
            String content = probe.messages().get(2 * t + 1).content();
            int at = target.lastIndexOf(content);
            turnEnds.add(at >= 0 ? target.substring(at + content.length()) : target);
        }
        if (template.efficientEos()) {
            fixed.specialTokens().eosId().ifPresent(eos -> {
                ids.add(eos);
                labelled.add(eos);
            });
            if (!turnEnds.isEmpty()) {
                int last = turnEnds.size() - 1;
                turnEnds.set(
                        last,
                        turnEnds.get(last) + fixed.specialTokens().eos().get().token());
            }
        }
        int[] templateIds = ids.stream().mapToInt(Integer::intValue).toArray();
        return compare(
                name,
                false,
                text,
                templateIds,
                fixed,
                reference,
                () -> reference.render(
                        HfChatTemplate.toHfMessages(probe.system(), probe.messages()), false, null, Map.of()),
                turnEnds);
    }

    private static ProbeResult generationProbe(
            String name, Probe probe, ChatTemplate template, Tokenizer fixed, HfChatTemplate reference) {
        List<Message> prompt = probe.messages().subList(0, probe.messages().size() - 1);
        String text = template.renderGenerationPrompt(fixed.specialTokens(), prompt, probe.system(), "");
        List<Message> withEmpty = new ArrayList<>(prompt);
        withEmpty.add(Message.assistant(""));
        int[] ids = template.encodeOneTurn(fixed, withEmpty, probe.system(), "").sourceIds();
        return compare(
                name,
                true,
                text,
                ids,
                fixed,
                reference,
                () -> reference.render(HfChatTemplate.toHfMessages(probe.system(), prompt), true, null, Map.of()),
                List.of());
    }

    private static ProbeResult compare(
            String name,
            boolean generation,
            String text,
            int[] ids,
            Tokenizer fixed,
            HfChatTemplate reference,
            java.util.function.Supplier<String> render,
            List<String> turnEnds) {
        if (reference == null) {
            return new ProbeResult(name, generation, text, null, null, -1, ids, new int[0], -1, turnEnds);
        }
        String refText;
        try {
            refText = render.get();
        } catch (RuntimeException e) {
            return new ProbeResult(name, generation, text, null, e.getMessage(), -1, ids, new int[0], -1, turnEnds);
        }
        int[] refIds = fixed.encode(refText, false);
        return new ProbeResult(
                name,
                generation,
                text,
                refText,
                null,
                firstDifference(text, refText),
                ids,
                refIds,
                firstDifference(ids, refIds),
                turnEnds);
    }

    private static int firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return a.length() == b.length() ? -1 : n;
    }

    private static int firstDifference(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return a.length == b.length ? -1 : n;
    }
}
