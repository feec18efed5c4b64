package ai.llamafactory.peft.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short version of the native-memory stress harness, in the default suite: for pt and sft, full and LoRA, an
 * uninterrupted run and one kill-and-resume trial that must equal it bit for bit, every child with the garbage
 * collector forced at every step boundary and {@code MALLOC_PERTURB_}. Before tensors owned their storage this failed
 * deterministically (LoRA gradients read freed memory: grad_norm 0; a resumed run's AdamW moments lived in freed
 * memory: JVM crash). {@link NativeMemoryStressBenchmark} runs the long version.
 */
class NativeMemoryStressTest {
    @TempDir
    Path tmp;

    @Test
    void identicalRunsAgreeAndKilledRunsResumeExactlyWithTheCollectorForced() {
        NativeMemoryStress stress = new NativeMemoryStress(
                tmp, NativeMemoryStress.forcedGcOptions(), NativeMemoryStress.perturbedMalloc(), 20261206L);
        for (NativeMemoryStress.Config c : NativeMemoryStress.CONFIGS) {
            stress.killTrial(c); // after the uninterrupted reference run, which the resumed run must equal
        }
        String report = stress.report();
        System.out.println(report);
        stress.tallies().forEach((c, t) -> {
            assertThat(t.trials).as(c + " trials").isEqualTo(1);
            assertThat(List.of(t.crashes, t.nanRuns, t.differing, t.failedRuns))
                    .as(c + ":\n" + report)
                    .containsOnly(0);
        });
    }
}
