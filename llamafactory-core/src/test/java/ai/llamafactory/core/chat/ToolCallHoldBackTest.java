package ai.llamafactory.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.data.template.ToolFormat;
import org.junit.jupiter.api.Test;

/** How much of a streamed reply may be shown while it could still become a tool call, per tool format. */
class ToolCallHoldBackTest {
    @Test
    void withoutToolsEverythingIsShown() {
        ToolCallHoldBack h = ToolCallHoldBack.of(ToolFormat.QWEN, false);
        assertThat(h.holdsNothing()).isTrue();
        assertThat(h.releasable("<tool_call>{")).isEqualTo(12);
    }

    @Test
    void qwenAndDefaultHoldFromTheMarkerAndWhileTheEndCouldStartIt() {
        ToolCallHoldBack qwen = ToolCallHoldBack.of(ToolFormat.QWEN, true);
        assertThat(qwen.releasable("Sure, ")).isEqualTo(6);
        assertThat(qwen.releasable("Sure, <tool")).isEqualTo(6);
        assertThat(qwen.releasable("Sure, <b>")).isEqualTo(9);
        assertThat(qwen.releasable("Sure, <tool_call>\n{\"name\"")).isEqualTo(6);
        assertThat(qwen.releasable("<")).isEqualTo(0);
        ToolCallHoldBack react = ToolCallHoldBack.of(ToolFormat.DEFAULT, true);
        assertThat(react.releasable("Thought: look it up.\nAct")).isEqualTo(21);
        assertThat(react.releasable("Thought: look it up.\nActually no.")).isEqualTo(33);
        assertThat(react.releasable("Thought: x\nAction: get_weather")).isEqualTo(11);
    }

    @Test
    void jsonFormatsHoldARepliesThatStartsLikeJsonAndGlm4HoldsEverything() {
        ToolCallHoldBack llama3 = ToolCallHoldBack.of(ToolFormat.LLAMA3, true);
        assertThat(llama3.releasable("  ")).isEqualTo(0);
        assertThat(llama3.releasable(" {\"name\": \"f\"")).isEqualTo(0);
        assertThat(llama3.releasable("[{")).isEqualTo(0);
        assertThat(llama3.releasable("It is {sunny}")).isEqualTo(13);
        assertThat(ToolCallHoldBack.of(ToolFormat.MISTRAL, true).releasable("Hello"))
                .isEqualTo(5);
        assertThat(ToolCallHoldBack.of(ToolFormat.GLM4, true).releasable("Hello there"))
                .isEqualTo(0);
    }
}
