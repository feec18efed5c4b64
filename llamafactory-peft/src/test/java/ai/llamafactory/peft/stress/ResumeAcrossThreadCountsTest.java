package ai.llamafactory.peft.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by a run with one libtorch thread resumes with two: the run completes and every resumed step's
 * loss and gradient norm stays within {@value #TOLERANCE} (relative) of the uninterrupted one-thread run. Bit equality
 * is not promised across thread counts: libtorch splits reductions (sums in the loss, norms, softmax denominators,
 * the weight-gradient GEMMs' accumulation) into per-thread partial sums whose order depends on the thread count.
 * With the same thread count, resumption is bit-identical ({@code NativeMemoryStressTest}).
 */
class ResumeAcrossThreadCountsTest {
    /** Relative tolerance on resumed step losses and gradient norms, and on train_loss. */
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    @Test
    void aCheckpointOfOneThreadResumesWithTwo() {
        NativeMemoryStress stress = new NativeMemoryStress(tmp, List.of(), java.util.Map.of(), 1L);
        for (NativeMemoryStress.Config c :
                List.of(new NativeMemoryStress.Config("sft", "full"), new NativeMemoryStress.Config("pt", "lora"))) {
            NativeMemoryStress.ThreadCountResume r = stress.resumeWithOtherThreadCount(c, 1, 2);
            System.out.println(
                    c + " killed after checkpoint-" + r.resumedAtStep() + " with 1 thread, resumed with 2: " + r);
            assertThat(r.stepsCompared()).as(c + " resumed steps").isEqualTo(StressChild.STEPS - r.resumedAtStep());
            assertThat(r.maxRelativeLossDiff()).as(c + " loss").isLessThan(TOLERANCE);
            assertThat(r.maxRelativeGradNormDiff()).as(c + " grad norm").isLessThan(TOLERANCE);
            assertThat(r.trainLossRelativeDiff()).as(c + " train_loss").isLessThan(TOLERANCE);
        }
    }
}
