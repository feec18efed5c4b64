package ai.llamafactory.data.encode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import ai.llamafactory.data.TestTokenizers;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code llamafactory/sft_encodings_*.json} file of the conformance root: for each {@code tokenizer/template}
 * key and each row, LLaMA-Factory's own SFT preprocessing output (input_ids and labels) must be reproduced exactly.
 * Optional per-row keys {@code tools}, {@code train_on_prompt}, {@code mask_history}, {@code enable_thinking} are
 * honoured when present.
 */
class SftConformanceTest {

    @TestFactory
    List<DynamicNode> supervisedEncodingMatchesLlamaFactory() throws IOException {
        Path dir = Conformance.requireFolder("llamafactory");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("sft_encodings_.*\\.json"))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new AssertionError("conformance file missing: no sft_encodings_*.json in " + dir);
        }
        List<DynamicNode> out = new ArrayList<>();
        for (Path file : files) {
            JsonNode root = Conformance.readJson(file);
            List<DynamicNode> keys = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> entry = it.next();
                String[] parts = entry.getKey().split("/", 2);
                String tokenizerName = parts[0];
                String templateName = parts[1];
                JsonNode spec = entry.getValue();
                List<DynamicNode> rows = new ArrayList<>();
                rows.add(DynamicTest.dynamicTest("special tokens", () -> {
                    Tokenizer tok = fixedTokenizer(tokenizerName, templateName);
                    assertThat(tok.specialTokens().eos().orElseThrow().token())
                            .isEqualTo(spec.get("eos_token").asText());
                    assertThat(tok.specialTokens().eosId().getAsInt())
                            .isEqualTo(spec.get("eos_id").asInt());
                    assertThat(tok.specialTokens().padId().getAsInt())
                            .isEqualTo(spec.get("pad_id").asInt());
                    assertThat(TemplateRegistry.get(templateName).efficientEos())
                            .isEqualTo(spec.path("efficient_eos").asBoolean(false));
                }));
                int index = 0;
                for (JsonNode row : spec.get("rows")) {
                    rows.add(DynamicTest.dynamicTest(
                            "row " + index++ + " (cutoff_len "
                                    + row.get("cutoff_len").asInt() + ", "
                                    + row.get("messages").size() + " messages)",
                            () -> checkRow(tokenizerName, templateName, row)));
                }
                keys.add(DynamicContainer.dynamicContainer(entry.getKey(), rows));
            }
            out.add(DynamicContainer.dynamicContainer(file.getFileName().toString(), keys));
        }
        return out;
    }

    private static Tokenizer fixedTokenizer(String tokenizerName, String templateName) {
        HfTokenizer base = TestTokenizers.get(Conformance.requireFolder("tokenizers/" + tokenizerName));
        return TemplateRegistry.get(templateName).fixSpecialTokens(base);
    }

    private static void checkRow(String tokenizerName, String templateName, JsonNode row) {
        ChatTemplate template = TemplateRegistry.get(templateName);
        if (row.has("enable_thinking")) {
            template = template.withEnableThinking(row.get("enable_thinking").asBoolean());
        }
        Tokenizer tok =
                template.fixSpecialTokens(TestTokenizers.get(Conformance.requireFolder("tokenizers/" + tokenizerName)));
        EncodingOptions options = EncodingOptions.builder()
                .cutoffLen(row.get("cutoff_len").asInt())
                .trainOnPrompt(row.path("train_on_prompt").asBoolean(false))
                .maskHistory(row.path("mask_history").asBoolean(false))
                .packing(false)
                .build();
        AlignedExample example = toAligned(row);
        EncodedSequence encoded = new SupervisedEncoder(template, tok, options).encode(example);
        assertThat(encoded.inputIds()).as("input_ids").containsExactly(Conformance.ints(row.get("input_ids")));
        assertThat(encoded.labels()).as("labels").containsExactly(Conformance.ints(row.get("labels")));
        if (row.has("text")) {
            assertThat(tok.decode(encoded.inputIds(), false))
                    .as("text")
                    .isEqualTo(row.get("text").asText());
        }
    }

    static AlignedExample toAligned(JsonNode row) {
        List<Message> messages = new ArrayList<>();
        String system = row.path("system").isNull() ? "" : row.path("system").asText("");
        for (JsonNode m : row.get("messages")) {
            String role = m.get("role").asText();
            String content = m.get("content").asText();
            if (role.equals("system")) {
                system = content;
                continue;
            }
            messages.add(new Message(
                    switch (role) {
                        case "user", "human" -> Role.USER;
                        case "assistant", "gpt" -> Role.ASSISTANT;
                        case "observation", "tool" -> Role.OBSERVATION;
                        case "function", "function_call" -> Role.FUNCTION;
                        default -> throw new IllegalArgumentException("role " + role);
                    },
                    content));
        }
        String tools = row.path("tools").isMissingNode() || row.path("tools").isNull()
                ? ""
                : (row.get("tools").isTextual()
                        ? row.get("tools").asText()
                        : row.get("tools").toString());
        return new AlignedExample(
                messages.subList(0, messages.size() - 1),
                List.of(messages.get(messages.size() - 1)),
                system,
                tools,
                null,
                "conformance");
    }
}
