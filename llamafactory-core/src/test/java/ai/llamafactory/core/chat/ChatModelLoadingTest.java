package ai.llamafactory.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.spi.ChatModelProvider;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.core.train.TokenizerFiles;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.testing.TinyRun;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat models from a configuration (through the provider SPI) and from a training output folder. */
class ChatModelLoadingTest {
    @TempDir
    Path tmp;

    static ChatRequest request() {
        return ChatRequest.builder()
                .messages(List.of(ChatMessage.system("You are terse."), ChatMessage.user("Capital of France?")))
                .doSample(false)
                .maxTokens(6)
                .build();
    }

    @Test
    void theProviderRegisteredWithServiceLoaderLoadsAConfiguration() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        FineTuneConfig config = FineTuneConfig.parseYaml(
                "model_name_or_path: " + model + "\ntemplate: qwen3_nothink\n"
                        + "finetuning_type: full\ndo_sample: false\nmax_new_tokens: 6\n",
                "inference.yaml");
        ChatModelProvider provider =
                Plugins.chatModelProvider(config, getClass().getClassLoader());
        assertThat(provider).isInstanceOf(DjlChatModelProvider.class);
        ChatModel chat = provider.create(config);
        try (DjlChatModel djl = (DjlChatModel) chat) {
            assertThat(djl.modelName()).isEqualTo("model");
            assertThat(djl.template().name()).isEqualTo("qwen3_nothink");
            assertThat(djl.generatingArguments().maxNewTokens()).isEqualTo(6);
            assertThat(djl.renderPrompt(request()))
                    .isEqualTo("<|im_start|>system\nYou are terse.<|im_end|>\n"
                            + "<|im_start|>user\nCapital of France?<|im_end|>\n<|im_start|>assistant\n");
            assertThat(djl.chat(ChatRequest.builder()
                                    .addMessage(ChatMessage.user("Hi"))
                                    .build())
                            .usage()
                            .completionTokens())
                    .isBetween(1, 6);
        }
    }

    @Test
    void aTrainingOutputFolderChatsWithTheTemplateStoredInItsTokenizerConfig() throws Exception {
        Path base = TinyRun.model("qwen3", tmp.resolve("base"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(base.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        // A base model without a chat template: training stores its template as the tokenizer's chat_template.
        Path cfg = base.resolve("tokenizer_config.json");
        ObjectNode tokenizerConfig = (ObjectNode) new ObjectMapper().readTree(cfg.toFile());
        tokenizerConfig.remove("chat_template");
        Files.writeString(cfg, tokenizerConfig.toString());
        ChatTemplate trained = TemplateRegistry.get("qwen3_nothink").withDefaultSystem("You are a tiny model.");
        try (HfTokenizer tok = HfTokenizer.load(base)) {
            TokenizerFiles.save(base, out, trained, trained.fixSpecialTokens(tok));
        }
        try (DjlChatModel fromFolder = DjlChatModel.fromFolder(out);
                DjlChatModel fromParts = ChatFixtures.chatModel(tmp.resolve("parts"), ChatFixtures.greedy(64), null)) {
            assertThat(fromFolder.template().name()).isEqualTo("parsed");
            assertThat(fromFolder.modelName()).isEqualTo("out");
            assertThat(fromFolder.stopTokenIds()).contains(ChatFixtures.IM_END);
            ChatRequest noSystem = ChatRequest.builder()
                    .addMessage(ChatMessage.user("Capital of France?"))
                    .doSample(false)
                    .maxTokens(6)
                    .build();
            assertThat(fromFolder.renderPrompt(noSystem))
                    .isEqualTo("<|im_start|>system\nYou are a tiny model."
                            + "<|im_end|>\n<|im_start|>user\nCapital of France?<|im_end|>\n<|im_start|>assistant\n");
            assertThat(fromFolder.encodePrompt(request())).containsExactly(fromParts.encodePrompt(request()));
            assertThat(fromFolder.chat(request()).text())
                    .isEqualTo(fromParts.chat(request()).text());
        }
    }

    @Test
    void closingStopsTheRunningGenerationAndRefusesNewOnes() throws Exception {
        java.util.concurrent.CountDownLatch generating = new java.util.concurrent.CountDownLatch(1);
        DjlChatModel chat =
                ChatFixtures.chatModel(tmp.resolve("m"), ChatFixtures.greedy(500), (row, prompt, generated, logits) -> {
                    generating.countDown();
                    DjlChatModelTest.sleep(20);
                });
        java.util.concurrent.CompletableFuture<Throwable> running =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        chat.chat(ChatRequest.builder()
                                .addMessage(ChatMessage.user("Go on."))
                                .build());
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                });
        assertThat(generating.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        chat.close();
        assertThat((System.nanoTime() - start) / 1e9)
                .as("close waits one token, not 500")
                .isLessThan(5.0);
        assertThat(running.get(30, java.util.concurrent.TimeUnit.SECONDS))
                .isInstanceOf(ai.llamafactory.api.exception.ChatCancelledException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> chat.chat(request()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        chat.close();
    }

    @Test
    void foldersWithoutAModelOrWithAnAdapterButNoPeftModuleAreRefusedByName() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> DjlChatModel.fromFolder(empty))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("adapter_config.json");
        Path base = TinyRun.model("qwen3", tmp.resolve("base"));
        Path adapter = Files.createDirectories(tmp.resolve("adapter"));
        Files.writeString(adapter.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\"}");
        assertThatThrownBy(() -> DjlChatModel.fromFolder(adapter))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("base_model_name_or_path");
        Files.writeString(
                adapter.resolve("adapter_config.json"),
                "{\"peft_type\": \"LORA\", " + "\"base_model_name_or_path\": \"" + base + "\"}");
        assertThatThrownBy(() -> DjlChatModel.fromFolder(adapter))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("lora")
                .hasMessageContaining("llamafactory-peft");
    }
}
