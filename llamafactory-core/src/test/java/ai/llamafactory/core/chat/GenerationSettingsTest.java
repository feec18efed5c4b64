package ai.llamafactory.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.generate.GenerationConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request parameters over LLaMA-Factory's generating arguments, with the Hugging Face engine's rules. */
class GenerationSettingsTest {
    static final List<Integer> STOPS = List.of(258, 2);

    static ChatRequest.Builder request() {
        return ChatRequest.builder().addMessage(ChatMessage.user("hi"));
    }

    @Test
    void aRequestWithoutParametersUsesLlamaFactorysDefaults() {
        GenerationConfig c =
                GenerationSettings.forRequest(request().build(), GeneratingArguments.defaults(), 10, STOPS);
        assertThat(c.doSample()).isTrue();
        assertThat(c.temperature()).isEqualTo(0.95);
        assertThat(c.topP()).isEqualTo(0.7);
        assertThat(c.topK()).isEqualTo(50);
        assertThat(c.repetitionPenalty()).isEqualTo(1.0);
        assertThat(c.maxNewTokens()).isEqualTo(1024);
        assertThat(c.eosTokenIds()).containsExactly(258, 2);
        assertThat(c.stopStrings()).isEmpty();
        assertThat(c.seed()).isEmpty();
        assertThat(GenerationSettings.fromArguments(GeneratingArguments.defaults(), 10, STOPS))
                .isEqualTo(c);
    }

    @Test
    void requestParametersOverrideTheDefaults() {
        GenerationConfig c = GenerationSettings.forRequest(
                request()
                        .temperature(0.3)
                        .topP(0.9)
                        .topK(7)
                        .maxTokens(5)
                        .repetitionPenalty(1.2)
                        .stop(List.of("###"))
                        .seed(11L)
                        .build(),
                GeneratingArguments.defaults(),
                10,
                STOPS);
        assertThat(c.temperature()).isEqualTo(0.3);
        assertThat(c.topP()).isEqualTo(0.9);
        assertThat(c.topK()).isEqualTo(7);
        assertThat(c.maxNewTokens()).isEqualTo(5);
        assertThat(c.repetitionPenalty()).isEqualTo(1.2);
        assertThat(c.stopStrings()).containsExactly("###");
        assertThat(c.seed()).hasValue(11L);
        assertThat(GenerationSettings.forRequest(
                                request().doSample(false).build(), GeneratingArguments.defaults(), 10, STOPS)
                        .isGreedy())
                .isTrue();
    }

    @Test
    void temperatureZeroIsGreedyUnlessSeveralRepliesAreAskedFor() {
        GeneratingArguments args = GeneratingArguments.defaults();
        assertThat(GenerationSettings.forRequest(request().temperature(0.0).build(), args, 10, STOPS)
                        .isGreedy())
                .isTrue();
        GenerationConfig n2 =
                GenerationSettings.forRequest(request().temperature(0.0).n(2).build(), args, 10, STOPS);
        assertThat(n2.doSample()).isTrue();
        assertThat(n2.temperature()).isEqualTo(1.0);
        GenerationConfig greedyDefaultsN2 = GenerationSettings.forRequest(
                request().n(3).build(), args.toBuilder().doSample(false).build(), 10, STOPS);
        assertThat(greedyDefaultsN2.isGreedy()).isFalse();
        assertThat(greedyDefaultsN2.temperature()).isEqualTo(0.95);
    }

    @Test
    void maxNewTokensZeroMeansUpToMaxLengthPromptIncluded() {
        GeneratingArguments args =
                GeneratingArguments.builder().maxNewTokens(0).maxLength(100).build();
        assertThat(GenerationSettings.forRequest(request().build(), args, 30, STOPS)
                        .maxNewTokens())
                .isEqualTo(70);
        assertThat(GenerationSettings.fromArguments(args, 99, STOPS).maxNewTokens())
                .isEqualTo(1);
        assertThatThrownBy(() -> GenerationSettings.forRequest(request().build(), args, 100, STOPS))
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("messages"))
                .hasMessageContaining("100 tokens")
                .hasMessageContaining("max_length 100");
        assertThat(GenerationSettings.forRequest(request().maxTokens(4).build(), args, 100, STOPS)
                        .maxNewTokens())
                .isEqualTo(4);
        assertThatThrownBy(() -> GenerationSettings.fromArguments(args, 120, STOPS))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("max_length");
    }

    @Test
    void topPZeroKeepsTheMostLikelyTokenAndBeamSearchIsRefused() {
        assertThat(GenerationSettings.forRequest(request().topP(0.0).build(), GeneratingArguments.defaults(), 3, STOPS)
                        .topP())
                .isPositive()
                .isLessThan(1e-300);
        assertThatThrownBy(() -> GenerationSettings.forRequest(
                        request().build(),
                        GeneratingArguments.builder().numBeams(4).build(),
                        3,
                        STOPS))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("num_beams")
                .hasMessageContaining("4");
    }
}
