package ai.llamafactory.data.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.data.TestTokenizers;
import ai.llamafactory.data.template.HfChatTemplate;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every tokenizer folder under {@code tokenizers/} of the conformance root: encode with and without special tokens,
 * decode, {@code apply_chat_template} (text and ids, with and without generation prompt) and the special tokens,
 * against transformers' golden output.
 */
class TokenizerConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    List<DynamicNode> encodeAndDecodeMatchTransformers() {
        List<DynamicNode> folders = new ArrayList<>();
        for (Path folder : Conformance.folders("tokenizers")) {
            JsonNode golden = Conformance.readJson(folder.resolve("golden.json"));
            List<DynamicNode> cases = new ArrayList<>();
            int index = 0;
            for (JsonNode c : golden.path("encode")) {
                String text = c.get("text").asText();
                String name = "encode[" + index++ + "] " + abbreviate(text);
                cases.add(DynamicTest.dynamicTest(name, () -> {
                    {
                        HfTokenizer tok = TestTokenizers.get(folder);
                        assertThat(tok.encode(text, true)).as("ids").containsExactly(Conformance.ints(c.get("ids")));
                        assertThat(tok.encode(text, false))
                                .as("ids_no_special")
                                .containsExactly(Conformance.ints(c.get("ids_no_special")));
                        assertThat(tok.decode(Conformance.ints(c.get("ids")), false))
                                .as("decoded")
                                .isEqualTo(c.get("decoded").asText());
                    }
                }));
            }
            index = 0;
            for (JsonNode c : golden.path("chat")) {
                boolean generation = c.path("add_generation_prompt").asBoolean(false);
                String name = "chat[" + index++ + "] " + c.get("messages").size() + " messages"
                        + (generation ? " + generation prompt" : "");
                cases.add(DynamicTest.dynamicTest(name, () -> {
                    HfTokenizer tok = TestTokenizers.get(folder);
                    HfChatTemplate chat = HfChatTemplate.of(tok).orElseThrow();
                    List<Map<String, Object>> messages =
                            JSON.convertValue(c.get("messages"), new TypeReference<List<Map<String, Object>>>() {});
                    JsonNode tools = c.get("tools");
                    List<?> toolList = tools == null || tools.isNull()
                            ? null
                            : JSON.convertValue(tools, new TypeReference<List<Object>>() {});
                    Map<String, Object> extra = c.has("template_kwargs")
                            ? JSON.convertValue(c.get("template_kwargs"), new TypeReference<Map<String, Object>>() {})
                            : Map.of();
                    String text = chat.render(messages, generation, toolList, extra);
                    assertThat(text).as("text").isEqualTo(c.get("text").asText());
                    assertThat(chat.encode(messages, generation, toolList, extra))
                            .as("ids")
                            .containsExactly(Conformance.ints(c.get("ids")));
                }));
            }
            JsonNode special = golden.get("special");
            if (special != null) {
                cases.add(DynamicTest.dynamicTest("special tokens", () -> {
                    {
                        HfTokenizer tok = TestTokenizers.get(folder);
                        SpecialTokens st = tok.specialTokens();
                        assertThat(st.bos().map(SpecialTokens.TokenAndId::token).orElse(null))
                                .isEqualTo(
                                        special.path("bos").isNull()
                                                ? null
                                                : special.path("bos").asText());
                        assertThat(st.eos().map(SpecialTokens.TokenAndId::token).orElse(null))
                                .isEqualTo(
                                        special.path("eos").isNull()
                                                ? null
                                                : special.path("eos").asText());
                        assertThat(st.pad().map(SpecialTokens.TokenAndId::token).orElse(null))
                                .isEqualTo(
                                        special.path("pad").isNull()
                                                ? null
                                                : special.path("pad").asText());
                        assertThat(st.bos().map(SpecialTokens.TokenAndId::id).orElse(null))
                                .isEqualTo(
                                        special.path("bos_id").isNull()
                                                ? null
                                                : special.path("bos_id").asInt());
                        assertThat(st.eos().map(SpecialTokens.TokenAndId::id).orElse(null))
                                .isEqualTo(
                                        special.path("eos_id").isNull()
                                                ? null
                                                : special.path("eos_id").asInt());
                        assertThat(st.pad().map(SpecialTokens.TokenAndId::id).orElse(null))
                                .isEqualTo(
                                        special.path("pad_id").isNull()
                                                ? null
                                                : special.path("pad_id").asInt());
                    }
                }));
            }
            folders.add(DynamicContainer.dynamicContainer(folder.getFileName().toString(), cases));
        }
        return folders;
    }

    static String abbreviate(String s) {
        String flat = s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return flat.length() > 40 ? flat.substring(0, 40) + "..." : flat;
    }
}
