package ai.llamafactory.data.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.jinja.JinjaTemplate;
import ai.llamafactory.data.tokenizer.SpecialTokens;
import ai.llamafactory.data.tokenizer.SpecialTokens.TokenAndId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rendered text of each registered template on a fixed conversation, checked by hand against the slot definitions. */
class TemplateRenderingTest {
    static final SpecialTokens SPECIAL = new SpecialTokens(
            Optional.of(new TokenAndId("<s>", 1)),
            Optional.of(new TokenAndId("</s>", 2)),
            Optional.empty(),
            Optional.empty(),
            List.of());
    static final List<Message> CONVERSATION =
            List.of(Message.user("Hi"), Message.assistant("Hello"), Message.user("Bye"), Message.assistant("Ciao"));

    static Stream<Arguments> expectedTexts() {
        String chatml = "<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
                + "Hello<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\nCiao<|im_end|>\n";
        String think = "<think>\n\n</think>\n\n";
        return Stream.of(
                Arguments.of(
                        "default",
                        "System: SYS</s>\nHuman: Hi</s>\nAssistant:Hello</s>\nHuman: Bye</s>\n"
                                + "Assistant:Ciao</s>\n"),
                Arguments.of("empty", "SYSHiHelloByeCiao"),
                Arguments.of(
                        "alpaca",
                        "SYS### Instruction:\nHi\n\n### Response:\nHello</s>\n\n### Instruction:\nBye"
                                + "\n\n### Response:\nCiao</s>\n\n"),
                Arguments.of("vicuna", "SYSUSER: Hi ASSISTANT:Hello</s>USER: Bye ASSISTANT:Ciao</s>"),
                Arguments.of("chatml", chatml),
                Arguments.of("qwen", chatml),
                Arguments.of("qwen3_nothink", chatml),
                Arguments.of("yi", chatml),
                Arguments.of(
                        "qwen3",
                        chatml.replace("assistant\nHello", "assistant\n" + think + "Hello")
                                .replace("assistant\nCiao", "assistant\n" + think + "Ciao")),
                Arguments.of(
                        "llama2",
                        "<s>[INST] <<SYS>>\nSYS\n<</SYS>>\n\nHi [/INST]Hello</s><s>[INST] Bye [/INST]" + "Ciao</s>"),
                Arguments.of(
                        "llama3",
                        "<s><|start_header_id|>system<|end_header_id|>\n\nSYS<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant"
                                + "<|end_header_id|>\n\nHello<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\nCiao<|eot_id|>"),
                Arguments.of("mistral", "<s>[INST] SYS\n\nHi[/INST] Hello</s>[INST] Bye[/INST] Ciao</s>"),
                Arguments.of(
                        "gemma",
                        "<s><start_of_turn>user\nSYS\n\nHi<end_of_turn>\n<start_of_turn>model\n"
                                + "Hello<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n"
                                + "Ciao<end_of_turn>\n"),
                Arguments.of(
                        "gemma2",
                        "<s><start_of_turn>user\nSYS\n\nHi<end_of_turn>\n<start_of_turn>model\n"
                                + "Hello<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n"
                                + "Ciao<end_of_turn>\n</s>"),
                Arguments.of(
                        "phi",
                        "<|system|>\nSYS<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello<|end|>\n"
                                + "<|user|>\nBye<|end|>\n<|assistant|>\nCiao<|end|>\n"),
                Arguments.of(
                        "phi4",
                        "<|im_start|>system<|im_sep|>SYS<|im_end|><|im_start|>user<|im_sep|>Hi<|im_end|>"
                                + "<|im_start|>assistant<|im_sep|>Hello<|im_end|><|im_start|>user<|im_sep|>Bye<|im_end|>"
                                + "<|im_start|>assistant<|im_sep|>Ciao<|im_end|>"),
                Arguments.of("deepseek", "<s>SYS\n\nUser: Hi\n\nAssistant:Hello</s>User: Bye\n\nAssistant:Ciao</s>"),
                Arguments.of("deepseek3", "<s>SYS<｜User｜>Hi<｜Assistant｜>Hello</s><｜User｜>Bye<｜Assistant｜>Ciao</s>"),
                Arguments.of(
                        "deepseekr1",
                        "<s>SYS<｜User｜>Hi<｜Assistant｜>" + think + "Hello</s><｜User｜>Bye" + "<｜Assistant｜>" + think
                                + "Ciao</s>"),
                Arguments.of(
                        "zephyr",
                        "<|system|>\nSYS</s><|user|>\nHi</s><|assistant|>\nHello</s><|user|>\nBye</s>"
                                + "<|assistant|>\nCiao</s>"),
                Arguments.of(
                        "glm4",
                        "[gMASK]<sop><|system|>\nSYS<|user|>\nHi<|assistant|>\nHello<|user|>\nBye"
                                + "<|assistant|>\nCiao</s>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectedTexts")
    void rendersFixedConversation(String name, String expected) {
        assertThat(TemplateRegistry.get(name).renderConversation(SPECIAL, CONVERSATION, "SYS", ""))
                .isEqualTo(expected);
    }

    @Test
    void defaultSystemPromptsApplyWhenNoSystemIsGiven() {
        List<Message> one = List.of(Message.user("Hi"), Message.assistant("Hello"));
        assertThat(TemplateRegistry.get("vicuna").renderConversation(SPECIAL, one, "", ""))
                .isEqualTo("A chat between a curious user and an artificial intelligence assistant. The assistant "
                        + "gives helpful, detailed, and polite answers to the user's questions.USER: Hi ASSISTANT:"
                        + "Hello</s>");
        assertThat(TemplateRegistry.get("zephyr").renderConversation(SPECIAL, one, null, ""))
                .startsWith("<|system|>\nYou are Zephyr, a helpful assistant.</s><|user|>");
        assertThat(TemplateRegistry.get("qwen3").renderConversation(SPECIAL, one, "", ""))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nHello"
                        + "<|im_end|>\n");
    }

    @Test
    void reasoningTemplateWithoutThinkingPutsTheEmptyThoughtInThePrompt() {
        ChatTemplate qwen3 = TemplateRegistry.get("qwen3").withEnableThinking(false);
        List<Message> withThought = List.of(Message.user("Hi"), Message.assistant("<think>\nplan\n</think>\n\nHello"));
        List<List<String>> turns = qwen3.renderMultiTurn(SPECIAL, withThought, "", "");
        assertThat(turns.get(0).get(0)).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(turns.get(0).get(1)).isEqualTo("Hello<|im_end|>\n");
        List<List<String>> thinking = TemplateRegistry.get("qwen3").renderMultiTurn(SPECIAL, withThought, "", "");
        assertThat(thinking.get(0).get(1)).isEqualTo("<think>\nplan\n</think>\n\nHello<|im_end|>\n");
    }

    @Test
    void generationPromptEndsWithTheAssistantOpening() {
        assertThat(TemplateRegistry.get("llama3").renderGenerationPrompt(SPECIAL, List.of(Message.user("Hi")), "", ""))
                .isEqualTo("<s><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant"
                        + "<|end_header_id|>\n\n");
    }

    @Test
    void qwenToolsGoIntoTheSystemPromptAndCallsRoundTrip() {
        String tools = "[{\"name\": \"get_weather\", \"description\": \"Weather\", \"parameters\": {\"type\": "
                + "\"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}]";
        List<Message> conv = List.of(
                Message.user("Paris?"),
                new Message(
                        ai.llamafactory.data.Role.FUNCTION,
                        "{\"name\": \"get_weather\", \"arguments\": " + "{\"city\": \"Paris\"}}"),
                new Message(ai.llamafactory.data.Role.OBSERVATION, "22C"),
                Message.assistant("It is 22C."));
        String text = TemplateRegistry.get("qwen").renderConversation(SPECIAL, conv, "", tools);
        assertThat(text)
                .isEqualTo("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
                        + "assistant.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                        + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                        + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather\", "
                        + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, "
                        + "\"required\": [\"city\"]}}}\n</tools>\n\nFor each function call, return a json object with function "
                        + "name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": "
                        + "<function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                        + "<|im_start|>user\nParis?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", "
                        + "\"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n"
                        + "22C\n</tool_response><|im_end|>\n<|im_start|>assistant\nIt is 22C.<|im_end|>\n");
        assertThat(TemplateRegistry.get("qwen")
                        .extractToolCalls("<tool_call>\n{\"name\": \"get_weather\", "
                                + "\"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"))
                .contains(List.of(new FunctionCall("get_weather", "{\"city\": \"Paris\"}")));
        assertThat(TemplateRegistry.get("qwen").extractToolCalls("Just text.")).isEmpty();
    }

    @Test
    void defaultToolFormatDescribesArgumentsAndExtractsActions() {
        String tools = "[{\"type\": \"function\", \"function\": {\"name\": \"add\", \"description\": \"Adds\", "
                + "\"parameters\": {\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\", "
                + "\"description\": \"first\"}, \"op\": {\"type\": \"string\", \"description\": \"kind\", \"enum\": "
                + "[\"x\", \"y\"]}}, \"required\": [\"a\"]}}}]";
        String system = ToolFormat.DEFAULT.formatToolsJson(tools);
        assertThat(system)
                .isEqualTo("You have access to the following tools:\n> Tool Name: add\nTool Description: "
                        + "Adds\nTool Args:\n  - a (integer, required): first\n  - op (string): kind, should be one of [x, y]\n"
                        + "\nUse the following format if using a tool:\n```\nAction: tool name (one of [add])\nAction Input: "
                        + "the input to the tool, in a JSON format representing the kwargs (e.g. ```{\"input\": \"hello world\""
                        + ", \"num_beams\": 5}```)\n```\n");
        assertThat(ToolFormat.DEFAULT.formatFunctionCalls(List.of(new FunctionCall("add", "{\"a\": 1}"))))
                .isEqualTo("Action: add\nAction Input: {\"a\": 1}");
        assertThat(ToolFormat.DEFAULT.extract("Action: add\nAction Input: {\"a\":1}"))
                .contains(List.of(new FunctionCall("add", "{\"a\": 1}")));
    }

    @Test
    void unknownTemplateNameSuggestsTheClosestNames() {
        assertThatThrownBy(() -> TemplateRegistry.get("qwen-3"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("template: unknown value 'qwen-3'")
                .hasMessageContaining("Did you mean [qwen3, qwen");
        assertThatThrownBy(() -> TemplateRegistry.get("lama3")).hasMessageContaining("Did you mean [llama3");
    }

    static Stream<String> exportableTemplates() {
        return TemplateRegistry.names().stream().filter(n -> TemplateRegistry.get(n).userSlots().stream()
                .noneMatch(s -> s instanceof Slot.LiteralToken));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exportableTemplates")
    void jinjaExportRendersLikeTheTemplate(String name) {
        ChatTemplate template = TemplateRegistry.get(name);
        for (ChatTemplate t : List.of(template, template.withEnableThinking(false))) {
            JinjaTemplate jinja = JinjaTemplate.compile(t.toJinja(SPECIAL));
            for (String system : List.of("", "SYS")) {
                String expected = t.renderConversation(SPECIAL, CONVERSATION, system, "");
                String rendered = jinja.render(Map.of(
                        "messages", HfChatTemplate.toHfMessages(system, CONVERSATION), "add_generation_prompt", false));
                assertThat(rendered)
                        .as("%s, system '%s', enable_thinking %s", name, system, t.enableThinking())
                        .isEqualTo(expected);
            }
        }
    }
}
