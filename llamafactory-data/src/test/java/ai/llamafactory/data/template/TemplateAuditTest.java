package ai.llamafactory.data.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.TestTokenizers;
import ai.llamafactory.data.template.TemplateAuditReport.ProbeResult;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;

/** The audit against the real Qwen3 tokenizer and its Jinja chat template. */
class TemplateAuditTest {

    private static ProbeResult probe(TemplateAuditReport r, String name, boolean generation) {
        return r.probes().stream()
                .filter(p -> p.name().equals(name) && p.generationPrompt() == generation)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void defaultTemplateOnQwen3IsReportedAsMismatched() {
        HfTokenizer tok = TestTokenizers.qwen3();
        TemplateAuditReport report = TemplateAudit.run(TemplateRegistry.get("default"), tok, false);
        assertThat(report.tokenizerHasChatTemplate()).isTrue();
        assertThat(report.matches()).isFalse();
        ProbeResult oneTurn = probe(report, "one turn", false);
        assertThat(oneTurn.templateText()).isEqualTo("Human: What is 2+2?<|im_end|>\nAssistant:4.<|im_end|>\n");
        assertThat(oneTurn.tokenizerText())
                .isEqualTo(
                        "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n4.<|im_end|>\n");
        assertThat(oneTurn.firstTextDifference()).isEqualTo(0);
        assertThat(oneTurn.firstIdDifference()).isEqualTo(0);
        assertThat(oneTurn.labelledTurnEnds()).containsExactly("<|im_end|>\n");
        // the eos the model stops on (<|im_end|>, id 151645) does receive labels with this template
        assertThat(report.stopTokens()).singleElement().satisfies(s -> {
            assertThat(s.token()).isEqualTo("<|im_end|>");
            assertThat(s.id()).isEqualTo(151645);
            assertThat(s.trained()).isTrue();
        });
        System.out.println(report.render());
        assertThat(report.render()).contains("DIFFERENT at character 0").contains("WARNING: probe 'one turn'");
        assertThatThrownBy(() -> TemplateAudit.run(TemplateRegistry.get("default"), tok, true))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("Template audit failed for 'default'")
                .hasMessageContaining("DIFFERENT");
    }

    @Test
    void qwen3TemplateMatchesOneTurnButNotHistoryThoughts() {
        TemplateAuditReport report = TemplateAudit.run(TemplateRegistry.get("qwen3"), TestTokenizers.qwen3(), false);
        assertThat(probe(report, "one turn", false).matches()).isTrue();
        assertThat(probe(report, "one turn", true).matches()).isTrue();
        assertThat(probe(report, "with thought", false).matches()).isTrue();
        assertThat(probe(report, "system prompt", false).matches()).isTrue();
        // LLaMA-Factory adds an empty thought to every assistant turn; Qwen3's template only to the last one
        ProbeResult twoTurns = probe(report, "two turns", false);
        assertThat(twoTurns.matches()).isFalse();
        assertThat(twoTurns.templateText()).contains("<|im_start|>assistant\n<think>\n\n</think>\n\nBlue.");
        assertThat(twoTurns.tokenizerText()).contains("<|im_start|>assistant\nBlue.");
        assertThat(twoTurns.firstTextDifference())
                .isEqualTo(twoTurns.tokenizerText().indexOf("Blue."));
        assertThat(report.stopTokenTrained()).isTrue();
    }

    @Test
    void qwen3NothinkLacksTheEmptyThoughtOfTheLastTurn() {
        TemplateAuditReport report =
                TemplateAudit.run(TemplateRegistry.get("qwen3_nothink"), TestTokenizers.qwen3(), false);
        assertThat(probe(report, "one turn", false).matches()).isFalse();
        assertThat(probe(report, "one turn", true).matches()).isTrue();
        assertThat(probe(report, "one turn", false).labelledTurnEnds()).containsExactly("<|im_end|>\n");
    }

    @Test
    void templateThatNeverLearnsToStopIsCaught() {
        TemplateAuditReport report = TemplateAudit.run(TemplateRegistry.get("empty"), TestTokenizers.qwen3(), false);
        assertThat(report.stopTokenTrained()).isFalse();
        assertThat(report.warnings()).anyMatch(w -> w.contains("will not learn to stop"));
        assertThat(report.render()).contains("<|im_end|> (id 151645, NEVER trained)");
        assertThatThrownBy(() -> TemplateAudit.run(TemplateRegistry.get("empty"), TestTokenizers.qwen3(), true))
                .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void parsingQwen3ChatTemplateRecoversItsSlots() {
        ChatTemplate parsed = ChatTemplate.parse(TestTokenizers.qwen3());
        assertThat(parsed.kind()).isEqualTo(ChatTemplate.Kind.REASONING);
        assertThat(parsed.userSlots())
                .containsExactly(Slot.text("<|im_start|>user\n{{content}}<|im_end|>\n<|im_start|>assistant\n"));
        assertThat(parsed.assistantSlots()).containsExactly(Slot.text("{{content}}<|im_end|>\n"));
        assertThat(parsed.systemSlots()).containsExactly(Slot.text("<|im_start|>system\n{{content}}<|im_end|>\n"));
        assertThat(parsed.defaultSystem()).isEmpty();
        assertThat(parsed.prefixSlots()).isEmpty();
        // the derived template encodes like the registered qwen3 template
        var messages = java.util.List.of(
                ai.llamafactory.data.Message.user("Hi"), ai.llamafactory.data.Message.assistant("Hello"));
        HfTokenizer tok = TestTokenizers.qwen3();
        assertThat(parsed.encodeMultiTurn(tok, messages, "", "").get(0).targetIds())
                .containsExactly(TemplateRegistry.get("qwen3")
                        .encodeMultiTurn(tok, messages, "", "")
                        .get(0)
                        .targetIds());
        assertThat(TemplateRegistry.resolve(null, tok).kind()).isEqualTo(ChatTemplate.Kind.REASONING);
    }
}
