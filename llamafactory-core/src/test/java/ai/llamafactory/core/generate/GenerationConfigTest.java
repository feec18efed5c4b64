package ai.llamafactory.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.InvalidConfigException;
import org.junit.jupiter.api.Test;

/** Defaults equal LLaMA-Factory's generating arguments; out-of-range values name the key and value. */
class GenerationConfigTest {

    @Test
    void defaultsAreLlamaFactorys() {
        GenerationConfig c = GenerationConfig.defaults();
        assertThat(c.doSample()).isTrue();
        assertThat(c.temperature()).isEqualTo(0.95);
        assertThat(c.topP()).isEqualTo(0.7);
        assertThat(c.topK()).isEqualTo(50);
        assertThat(c.minP()).isZero();
        assertThat(c.maxNewTokens()).isEqualTo(1024);
        assertThat(c.repetitionPenalty()).isEqualTo(1.0);
        assertThat(c.eosTokenIds()).isEmpty();
        assertThat(c.stopStrings()).isEmpty();
        assertThat(c.seed()).isEmpty();
        assertThat(c.isGreedy()).isFalse();
    }

    @Test
    void greedyWhenNotSamplingOrAtTemperatureZero() {
        assertThat(GenerationConfig.builder().doSample(false).build().isGreedy())
                .isTrue();
        assertThat(GenerationConfig.builder().temperature(0).build().isGreedy()).isTrue();
    }

    @Test
    void toBuilderRoundTripsAndEqualityIsByValue() {
        GenerationConfig c = GenerationConfig.builder()
                .topK(3)
                .minP(0.1)
                .seed(5)
                .eosTokenIds(2, 7)
                .stopStrings("###")
                .build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().unseeded().build().seed()).isEmpty();
        assertThat(c.toString()).contains("top_k=3", "eos_token_id=[2, 7]", "stop=[###]");
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertThatThrownBy(() -> GenerationConfig.builder().topP(0).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("generation config: top_p must lie in (0, 1], got 0.0");
        assertThatThrownBy(() -> GenerationConfig.builder().topP(1.5).build()).hasMessageContaining("top_p");
        assertThatThrownBy(() -> GenerationConfig.builder().temperature(-0.1).build())
                .hasMessageContaining("temperature must be >= 0, got -0.1");
        assertThatThrownBy(() -> GenerationConfig.builder().topK(-1).build()).hasMessageContaining("top_k");
        assertThatThrownBy(() -> GenerationConfig.builder().minP(1.2).build()).hasMessageContaining("min_p");
        assertThatThrownBy(() -> GenerationConfig.builder().repetitionPenalty(0).build())
                .hasMessageContaining("repetition_penalty must be > 0, got 0.0");
        assertThatThrownBy(() -> GenerationConfig.builder().maxNewTokens(0).build())
                .hasMessageContaining("max_new_tokens must be > 0, got 0");
        assertThatThrownBy(() -> GenerationConfig.builder().eosTokenIds(-3).build())
                .hasMessageContaining("eos_token_id");
        assertThatThrownBy(() -> GenerationConfig.builder().stopStrings("").build())
                .hasMessageContaining("stop");
    }
}
