package ai.llamafactory.api.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import ai.llamafactory.api.run.CancellationToken;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatRequestTest {

    private static ChatRequest.Builder hello() {
        return ChatRequest.builder().addMessage(ChatMessage.user("hello"));
    }

    @Test
    void defaultsLeaveEveryParameterToTheModel() {
        ChatRequest request = hello().build();
        assertThat(request.messages()).containsExactly(ChatMessage.user("hello"));
        assertThat(request.n()).isEqualTo(1);
        assertThat(request.temperature()).isEmpty();
        assertThat(request.topP()).isEmpty();
        assertThat(request.topK()).isEmpty();
        assertThat(request.maxTokens()).isEmpty();
        assertThat(request.seed()).isEmpty();
        assertThat(request.doSample()).isEmpty();
        assertThat(request.repetitionPenalty()).isEmpty();
        assertThat(request.stop()).isEmpty();
        assertThat(request.tools()).isEmpty();
    }

    @Test
    void keepsEveryValueAndRoundTripsThroughToBuilder() {
        ChatRequest request = hello().temperature(0.0)
                .topP(1.0)
                .topK(0)
                .maxTokens(1)
                .stop(List.of("###", "\n"))
                .n(128)
                .seed(-7L)
                .doSample(false)
                .repetitionPenalty(1.2)
                .tools("[ {\"type\": \"function\", \"function\": {\"name\": \"f\"}} ]")
                .build();
        ChatRequest copy = request.toBuilder().build();
        for (ChatRequest r : List.of(request, copy)) {
            assertThat(r.temperature()).hasValue(0.0);
            assertThat(r.topP()).hasValue(1.0);
            assertThat(r.topK()).hasValue(0);
            assertThat(r.maxTokens()).hasValue(1);
            assertThat(r.stop()).containsExactly("###", "\n");
            assertThat(r.n()).isEqualTo(128);
            assertThat(r.seed()).hasValue(-7L);
            assertThat(r.doSample()).contains(false);
            assertThat(r.repetitionPenalty()).hasValue(1.2);
            assertThat(r.tools()).contains("[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]");
        }
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                invalid(b -> b.temperature(2.5), "temperature", "2.5"),
                invalid(b -> b.temperature(-0.1), "temperature", "-0.1"),
                invalid(b -> b.temperature(Double.NaN), "temperature", "NaN"),
                invalid(b -> b.topP(1.01), "top_p", "1.01"),
                invalid(b -> b.topK(-1), "top_k", "-1"),
                invalid(b -> b.maxTokens(0), "max_tokens", "0"),
                invalid(b -> b.n(0), "n", "0"),
                invalid(b -> b.n(129), "n", "129"),
                invalid(b -> b.stop(List.of("ok", "")), "stop", "stop[1]"),
                invalid(b -> b.repetitionPenalty(0.0), "repetition_penalty", "0.0"),
                invalid(b -> b.repetitionPenalty(Double.POSITIVE_INFINITY), "repetition_penalty", "Infinity"),
                invalid(b -> b.messages(List.of()), "messages", "empty"),
                invalid(b -> b.tools("[{"), "tools", "not valid JSON"),
                invalid(b -> b.tools("{\"type\": \"function\"}"), "tools", "expected a JSON array"),
                invalid(b -> b.tools("[{\"type\": \"retrieval\"}]"), "tools[0].type", "\"retrieval\""),
                invalid(
                        b -> b.tools("[{\"type\": \"function\", \"function\": {\"description\": \"x\"}}]"),
                        "tools[0].function.name",
                        "nothing"));
    }

    private static Arguments invalid(UnaryOperator<ChatRequest.Builder> change, String field, String shown) {
        return Arguments.of(change, field, shown);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidRequests")
    void invalidValuesNameTheFieldAndTheValue(UnaryOperator<ChatRequest.Builder> change, String field, String shown) {
        assertThatThrownBy(() -> change.apply(hello()).build())
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage())
                            .startsWith(field.replaceAll("\\[.*", ""))
                            .contains(shown);
                });
    }

    @Test
    void messagesAllowToolFieldsOnlyOnTheirRoles() {
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}");
        assertThat(ChatMessage.assistantToolCalls(List.of(call)).content()).isEmpty();
        assertThat(ChatMessage.tool("call_1", "22C").toolCallId()).contains("call_1");
        assertThatThrownBy(() -> ChatMessage.of(ChatRole.USER, "hi", List.of(call), null))
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("tool_calls"))
                .hasMessageContaining("user message");
        assertThatThrownBy(() -> ChatMessage.of(ChatRole.ASSISTANT, "hi", null, "call_9"))
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("tool_call_id"))
                .hasMessageContaining("'call_9'");
    }

    @Test
    void rolesReadTheirWireNamesAndLegacyAliases() {
        assertThat(ChatRole.fromWireName("r", "System")).isEqualTo(ChatRole.SYSTEM);
        assertThat(ChatRole.fromWireName("r", "developer")).isEqualTo(ChatRole.SYSTEM);
        assertThat(ChatRole.fromWireName("r", "function")).isEqualTo(ChatRole.TOOL);
        assertThat(ChatRole.ASSISTANT.wireName()).isEqualTo("assistant");
        assertThatThrownBy(() -> ChatRole.fromWireName("messages[3].role", "wizard"))
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("messages[3].role"))
                .hasMessageContaining("'wizard'");
    }

    @Test
    void newToolCallIdsHaveOpenAisShape() {
        ToolCall a = ToolCall.withNewId("f", "{}");
        ToolCall b = ToolCall.withNewId("f", "{}");
        assertThat(a.id()).matches("call_[A-Za-z0-9]{24}");
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThatThrownBy(() -> new ToolCall(" ", "f", "{}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cancellationKeepsTheFirstReason() {
        CancellationToken token = new CancellationToken();
        assertThat(token.isCancelled()).isFalse();
        token.throwIfCancelled();
        token.cancel("request timed out after 30 s");
        token.cancel("second reason");
        assertThat(token.isCancelled()).isTrue();
        assertThat(token.reason()).isEqualTo("request timed out after 30 s");
        assertThatThrownBy(token::throwIfCancelled)
                .isInstanceOf(ChatCancelledException.class)
                .hasMessage("generation cancelled: request timed out after 30 s");
        assertThatThrownBy(() -> CancellationToken.never().cancel("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(CancellationToken.never().isCancelled()).isFalse();
    }

    @Test
    void responsesAndUsageCheckTheirValues() {
        ChatResponse response =
                new ChatResponse(List.of(ChatChoice.ofText(0, "hi", FinishReason.STOP)), new ChatUsage(5, 2));
        assertThat(response.text()).isEqualTo("hi");
        assertThat(response.usage().totalTokens()).isEqualTo(7);
        assertThat(FinishReason.TOOL_CALLS.wireName()).isEqualTo("tool_calls");
        assertThatThrownBy(() -> new ChatResponse(List.of(), new ChatUsage(0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChatUsage(-1, 0)).hasMessageContaining("prompt_tokens=-1");
        assertThatThrownBy(() -> new ChatDelta("", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
