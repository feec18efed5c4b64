package ai.llamafactory.peft.method;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.core.chat.DjlChatModel;
import ai.llamafactory.core.chat.GenerationSettings;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.generate.GenerationOutput;
import ai.llamafactory.core.generate.Generator;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.peft.lora.LoraModel;
import ai.llamafactory.testing.Conformance;
import ai.llamafactory.testing.TinyRun;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chatting with a base model plus a PEFT LoRA adapter ({@code adapter_name_or_path}, and a LoRA output folder given to
 * {@link DjlChatModel#fromFolder}): the chat model computes PEFT's logits and replies as the merged model does.
 */
class AdapterChatTest {
    @TempDir
    Path tmp;

    @Test
    void aChatModelWithAnAdapterComputesPeftsLogitsAndRepliesAsTheMergedModel() throws Exception {
        Path adapterSource = Conformance.requireFolder("adapters").resolve("qwen3_lora");
        Path base = TinyRun.model("qwen3", tmp.resolve("base"));
        Path adapter = Files.createDirectories(tmp.resolve("my-adapter"));
        Files.copy(adapterSource.resolve("adapter_model.safetensors"), adapter.resolve("adapter_model.safetensors"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode adapterConfig = (ObjectNode)
                json.readTree(adapterSource.resolve("adapter_config.json").toFile());
        adapterConfig.put("base_model_name_or_path", base.toString());
        Files.writeString(adapter.resolve("adapter_config.json"), adapterConfig.toString());

        FineTuneConfig config = FineTuneConfig.parseYaml(
                "model_name_or_path: " + base + "\nadapter_name_or_path: " + adapter
                        + "\nfinetuning_type: lora\ntemplate: qwen3_nothink\ndo_sample: false\nmax_new_tokens: 12\n",
                "lora_chat.yaml");
        ChatRequest request = ChatRequest.builder()
                .addMessage(ChatMessage.user("Tell me a story."))
                .build();
        DjlEngine.get();
        try (DjlChatModel chat = DjlChatModel.create(config);
                DjlChatModel fromFolder = DjlChatModel.fromFolder(adapter);
                NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = Conformance.readGolden(adapterSource.resolve("golden.safetensors"), m);
            for (DjlChatModel c : List.of(chat, fromFolder)) {
                float[] logits = PeftTestSupport.forward(c.model(), golden).logits();
                double diff = PeftTestSupport.maxMaskedDiff(
                        logits, golden.get("logits").toFloatArray(), golden.get("attention_mask"));
                System.out.printf("%s: max|logits - PEFT golden| = %.3g%n", c.modelName(), diff);
                assertThat(diff).isLessThanOrEqualTo(1e-4);
            }
            assertThat(fromFolder.modelName()).isEqualTo("my-adapter");

            int[] prompt = chat.encodePrompt(request);
            String reply = chat.chat(request).text();
            try (CausalLm merged = DjlModelLoader.load(base, ComputePolicy.cpu())) {
                LoraModel lora = new LoraModel(merged);
                lora.loadAdapter(LoraModel.DEFAULT_ADAPTER, adapter, false);
                CausalLm plain = lora.mergeAndUnload();
                GenerationOutput expected = new Generator(plain)
                        .generate(
                                prompt,
                                GenerationSettings.fromArguments(
                                        config.generating(), prompt.length, chat.stopTokenIds()));
                System.out.println("reply with adapter: '" + reply + "'");
                assertThat(reply).isEqualTo(chat.tokenizer().decode(expected.tokens(), true));
            }
        }
    }
}
