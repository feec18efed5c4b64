package ai.llamafactory.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the quickstart end to end with tiny settings. */
class QuickstartTest {
    @TempDir
    Path tmp;

    @Test
    void pretrainsFineTunesAndReusesItsOutputs() {
        Quickstart.Settings tiny = new Quickstart.Settings(tmp, 6, 1, 64, true);
        Quickstart.Result r = Quickstart.run(tiny);
        assertThat(r.pretrainedModel().resolve("model.safetensors")).exists();
        assertThat(r.pretrainedModel().resolve("tokenizer_config.json")).exists();
        assertThat(r.adapter().resolve("adapter_model.safetensors")).exists();
        assertThat(r.adapter().resolve("adapter_config.json")).exists();
        // An untrained model over 259 tokens starts near ln(259) = 5.56; a few steps already lower it.
        assertThat(r.pretrainLoss()).isBetween(1.0, 5.6);
        assertThat(r.sftLoss()).isFinite();
        assertThat(r.repliesBefore()).hasSameSizeAs(Quickstart.QUESTIONS);
        assertThat(r.repliesAfter()).hasSameSizeAs(Quickstart.QUESTIONS);
        // Greedy decoding: asking again gives the same replies.
        assertThat(Quickstart.chat(r.adapter(), Quickstart.QUESTIONS)).isEqualTo(r.repliesAfter());
        Quickstart.Result again = Quickstart.run(tiny);
        assertThat(again.pretrainLoss()).isNaN();
        assertThat(again.sftLoss()).isNaN();
    }
}
