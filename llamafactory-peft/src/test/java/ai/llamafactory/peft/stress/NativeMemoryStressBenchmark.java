package ai.llamafactory.peft.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The long version of the native-memory stress harness; prints its figures and fails on any crash, NaN or
 * difference. One command:
 *
 * <pre>
 * mvn -B -ntp -Pbenchmark -pl llamafactory-peft -am test -Dtest=NativeMemoryStressBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dstress.trials=100 -Dstress.repeats=5
 * </pre>
 *
 * {@code stress.trials} kill trials and {@code stress.repeats} identical runs per configuration (pt/sft x full/LoRA);
 * {@code stress.gc=false} leaves the collector alone (default: forced at every step boundary and every
 * {@code stress.gc_storm_millis}, 10, ms), {@code stress.perturb=false} leaves glibc's malloc alone,
 * {@code stress.seed} changes the kill schedule, {@code stress.work} keeps the runs' folders.
 */
@Tag("benchmark")
class NativeMemoryStressBenchmark {
    @Test
    void stress() throws Exception {
        int trials = Integer.getInteger("stress.trials", 25);
        int repeats = Integer.getInteger("stress.repeats", 5);
        String workDir = System.getProperty("stress.work");
        Path work = workDir == null ? Files.createTempDirectory("llamafactory-stress") : Path.of(workDir);
        Files.createDirectories(work);
        List<String> options = Boolean.parseBoolean(System.getProperty("stress.gc", "true"))
                ? NativeMemoryStress.gcStormOptions(Long.getLong("stress.gc_storm_millis", 10))
                : List.of();
        Map<String, String> env = Boolean.parseBoolean(System.getProperty("stress.perturb", "true"))
                ? NativeMemoryStress.perturbedMalloc()
                : Map.of();
        NativeMemoryStress stress = new NativeMemoryStress(work, options, env, Long.getLong("stress.seed", 1L));
        long t0 = System.nanoTime();
        for (NativeMemoryStress.Config c : NativeMemoryStress.CONFIGS) {
            stress.identicalRuns(c, repeats);
        }
        for (int i = 0; i < trials; i++) {
            for (NativeMemoryStress.Config c : NativeMemoryStress.CONFIGS) {
                stress.killTrial(c);
            }
        }
        String report = stress.report();
        System.out.printf(
                "native-memory stress: %d kill trials and %d identical runs per configuration, child "
                        + "options %s, environment %s, %.0f s%n%s",
                trials, repeats, options, env, (System.nanoTime() - t0) / 1e9, report);
        stress.tallies().forEach((c, t) -> assertThat(List.of(t.crashes, t.nanRuns, t.differing, t.failedRuns))
                .as(c + ":\n" + report)
                .containsOnly(0));
    }
}
