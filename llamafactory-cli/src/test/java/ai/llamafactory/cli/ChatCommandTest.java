package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRole;
import ai.llamafactory.api.spi.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llamafactory chat} with a fake model and piped input: streaming, history, {@code clear}, errors. */
class ChatCommandTest {
    @TempDir
    Path tmp;

    /** LLaMA-Factory's examples/inference/*.yaml, with a model path that is never loaded by the fake. */
    private Path inferenceYaml() throws Exception {
        return Files.writeString(
                tmp.resolve("qwen3_lora_sft.yaml"),
                """
                model_name_or_path: Qwen/Qwen3-4B-Instruct-2507
                adapter_name_or_path: saves/qwen3-4b/lora/sft
                template: qwen3_nothink
                infer_backend: huggingface  # choices: [huggingface, vllm, sglang, ktransformers]
                trust_remote_code: true
                """);
    }

    private static List<ChatRole> roles(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::role).toList();
    }

    @Test
    void streamsRepliesKeepsHistoryAndClearsIt() throws Exception {
        EchoChatModel model = new EchoChatModel();
        CliRun run =
                new CliRun().chatModel(model).input("Hello there\nGrüße 你好 🙂\n\nclear\nAgain\nexit\nnever read\n");
        CliRun.Result r = run.run("chat", inferenceYaml().toString(), "temperature=0.5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("Welcome to the CLI application, use `clear` to remove the history, use "
                        + "`exit` to exit the application.\n"
                        + "\nUser: Assistant: Echo: Hello there\n"
                        + "\nUser: Assistant: Echo: Grüße 你好 🙂\n"
                        + "\nUser: "
                        + "\nUser: History has been removed.\n"
                        + "\nUser: Assistant: Echo: Again\n"
                        + "\nUser: ");
        assertThat(model.requests).hasSize(3);
        assertThat(roles(model.requests.get(1).messages()))
                .containsExactly(ChatRole.USER, ChatRole.ASSISTANT, ChatRole.USER);
        assertThat(model.requests.get(1).messages().get(1).content()).isEqualTo("Echo: Hello there");
        assertThat(model.requests.get(1).messages().get(2).content()).isEqualTo("Grüße 你好 🙂");
        assertThat(roles(model.requests.get(2).messages())).containsExactly(ChatRole.USER);
        assertThat(model.closed).isTrue();
        assertThat(run.shutdown.actions)
                .as("the Ctrl-C hook is removed after the chat")
                .isEmpty();
    }

    @Test
    void endOfInputEndsTheChat() throws Exception {
        EchoChatModel model = new EchoChatModel();
        CliRun.Result r = new CliRun()
                .chatModel(model)
                .input("one two three")
                .run("chat", inferenceYaml().toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).endsWith("\nUser: Assistant: Echo: one two three\n\nUser: \n");
    }

    @Test
    void aFailedReplyIsReportedAndLeftOutOfTheHistory() throws Exception {
        EchoChatModel model = new EchoChatModel();
        CliRun.Result r = new CliRun()
                .chatModel(model)
                .input("please fail\nfine\nquit\n")
                .run("chat", inferenceYaml().toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEqualTo("llamafactory: error: messages: the fake model refuses 'please fail'\n");
        assertThat(r.out()).contains("\nUser: Assistant: Echo: \n").contains("\nUser: Assistant: Echo: fine\n");
        assertThat(roles(model.requests.get(1).messages())).containsExactly(ChatRole.USER);
    }

    @Test
    void helpListsTheChatCommands() throws Exception {
        CliRun.Result r = new CliRun()
                .chatModel(new EchoChatModel())
                .input("help\nexit\n")
                .run("chat", inferenceYaml().toString());
        assertThat(r.out())
                .contains("Commands: `clear` removes the history, `exit` (or `quit`, or Ctrl-D) leaves " + "the chat.");
    }

    @Test
    void withoutAChatModelImplementationTheErrorNamesTheModule() throws Exception {
        Path yaml = Files.writeString(
                tmp.resolve("absent.yaml"), "model_name_or_path: " + tmp.resolve("no-model") + "\ntemplate: chatml\n");
        CliRun.Result r = new CliRun().input("hi\nexit\n").run("chat", yaml.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(r.err()).startsWith("llamafactory: error: ").doesNotContain("\tat ");
        if (Plugins.chatModelProviders(getClass().getClassLoader()).isEmpty()) {
            assertThat(r.err())
                    .contains("no chat model implementation on the classpath")
                    .contains("ai.llamafactory.api.spi.ChatModelProvider")
                    .contains("llamafactory-core");
        }
    }
}
