package ai.llamafactory.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.llamafactory.api.chat.ChatDelta;
import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatResponse;
import ai.llamafactory.api.chat.ChatStreamEnd;
import ai.llamafactory.api.chat.ChatStreamListener;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.spi.ChatModelProvider;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link ChatModelProvider} and the {@link ChatModel}s it makes, for any implementation: extend this
 * class, return the provider from {@link #provider()} (override {@link #model} and {@link #config} for other
 * fixtures), and JUnit 5 runs every check against it. {@code DjlChatModelContractTest} runs it against the default
 * DJL chat model.
 *
 * <p>Checks: a stable short name, registration with {@link java.util.ServiceLoader}, support for the configuration,
 * a reply with one choice, a finish reason other than {@link FinishReason#CANCELLED} and its usage, a streamed reply
 * whose pieces make the same text as the whole reply (greedy decoding) and that ends with exactly one
 * {@code onComplete}, a cancelled request refused with {@link ChatCancelledException}, an idempotent
 * {@link ChatModel#close()}, and, when the provider loads folders, a folder loaded as it is.
 */
public abstract class ChatModelContract {
    /** A folder for the fixtures of one check. */
    @TempDir
    protected Path tmp;

    /** @return the implementation under test */
    protected abstract ChatModelProvider provider();

    /**
     * @param folder where to write the fixture
     * @return a model folder the provider loads; by default the tiny qwen3 conformance model with the byte-level
     *     tokenizer, whose {@code tokenizer_config.json} holds a chat template
     */
    protected Path model(Path folder) {
        return TinyRun.model("qwen3", folder);
    }

    /**
     * @param model the model folder
     * @return an inference configuration with greedy decoding of at most 6 new tokens
     */
    protected FineTuneConfig config(Path model) {
        return FineTuneConfig.parseYaml(
                "model_name_or_path: " + model + "\ntemplate: chatml\nfinetuning_type: full\n"
                        + "do_sample: false\nmax_new_tokens: 6\n",
                "inference.yaml");
    }

    private static ChatRequest hello() {
        return ChatRequest.builder().addMessage(ChatMessage.user("Say hello.")).build();
    }

    @Test
    void hasAStableShortNameAndSupportsTheConfiguration() {
        ChatModelProvider provider = provider();
        assertThat(provider.name()).isNotBlank().isEqualTo(provider.name());
        assertThat(provider.supports(config(model(tmp.resolve("model"))))).isTrue();
    }

    @Test
    void isRegisteredWithServiceLoader() {
        Class<?> type = provider().getClass();
        assertThat(Plugins.chatModelProviders(type.getClassLoader()))
                .as("META-INF/services/" + ChatModelProvider.class.getName())
                .anySatisfy(p -> assertThat(p).isInstanceOf(type));
    }

    @Test
    void chatsAndStreamsTheSameReply() {
        try (ChatModel chat = provider().create(config(model(tmp.resolve("model"))))) {
            assertThat(chat.modelName()).isNotBlank();
            ChatResponse whole = chat.chat(hello());
            assertThat(whole.choices()).hasSize(1);
            assertThat(whole.choices().get(0).finishReason()).isNotNull().isNotEqualTo(FinishReason.CANCELLED);
            assertThat(whole.usage().promptTokens()).isPositive();
            assertThat(whole.usage().completionTokens()).isBetween(0, 6);

            StringBuilder streamed = new StringBuilder();
            List<ChatStreamEnd> ends = new ArrayList<>();
            List<Throwable> errors = new ArrayList<>();
            chat.streamChat(hello(), new ChatStreamListener() {
                @Override
                public boolean onDelta(ChatDelta delta) {
                    streamed.append(delta.text());
                    return true;
                }

                @Override
                public void onComplete(ChatStreamEnd end) {
                    ends.add(end);
                }

                @Override
                public void onError(Throwable error) {
                    errors.add(error);
                }
            });
            assertThat(errors).isEmpty();
            assertThat(ends).hasSize(1);
            assertThat(streamed.toString()).isEqualTo(whole.text());
            assertThat(ends.get(0).finishReason())
                    .isEqualTo(whole.choices().get(0).finishReason());
        }
    }

    @Test
    void refusesACancelledRequestAndClosesTwice() {
        ChatModel chat = provider().create(config(model(tmp.resolve("model"))));
        try {
            CancellationToken cancelled = new CancellationToken();
            cancelled.cancel("contract test");
            assertThatThrownBy(() -> chat.chat(hello(), cancelled)).isInstanceOf(ChatCancelledException.class);
        } finally {
            chat.close();
            chat.close();
        }
    }

    @Test
    void loadsAFolderAsItIsWhenItSupportsFolders() {
        Path folder = model(tmp.resolve("model"));
        ChatModelProvider provider = provider();
        assumeTrue(provider.supportsFolder(folder), "the provider loads configurations only");
        GeneratingArguments greedy =
                GeneratingArguments.builder().doSample(false).maxNewTokens(4).build();
        try (ChatModel chat = provider.load(folder, greedy)) {
            assertThat(chat.chat(hello()).usage().completionTokens()).isBetween(0, 4);
        }
    }
}
