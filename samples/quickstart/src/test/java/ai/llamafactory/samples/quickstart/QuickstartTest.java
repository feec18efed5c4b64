package ai.llamafactory.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the quickstart end to end in a temporary folder. */
class QuickstartTest {
    @TempDir
    Path tmp;

    @Test
    void createsLoadsAndScoresTheTinyModel() {
        Path folder = tmp.resolve("base");
        Quickstart.Score s = Quickstart.run(folder, "Hello, world!");
        assertThat(folder.resolve("model.safetensors")).exists();
        assertThat(s.tokens()).isEqualTo(13);
        // An untrained model over 259 tokens is close to uniform: loss near ln(259) = 5.56.
        assertThat(s.loss()).isBetween(5.3, 5.8);
        assertThat(s.perplexity()).isCloseTo(Math.exp(s.loss()), org.assertj.core.data.Offset.offset(1e-9));
        // Second run reuses the folder and gives the same number.
        assertThat(Quickstart.run(folder, "Hello, world!").loss()).isEqualTo(s.loss());
    }
}
