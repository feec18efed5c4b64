package ai.llamafactory.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multipliers of every schedule at chosen steps. The expected numbers were computed separately from transformers'
 * schedule formulas (100 training steps, 10 warmup steps unless stated).
 */
class LrScheduleTest {
    private static final long[] STEPS = {0, 1, 5, 10, 11, 37, 50, 99, 100, 120};
    private static final double TOL = 1e-12;

    private static void assertMultipliers(LrSchedule schedule, long[] steps, double... expected) {
        for (int i = 0; i < steps.length; i++) {
            assertThat(schedule.multiplier(steps[i]))
                    .as("%s at step %d", schedule.type().key(), steps[i])
                    .isCloseTo(expected[i], within(TOL));
        }
    }

    private static LrSchedule.Builder hundredSteps(LrSchedulerType type) {
        return LrSchedule.builder(type, 2e-4).totalSteps(100).warmupSteps(10);
    }

    @Test
    void linear() {
        assertMultipliers(
                hundredSteps(LrSchedulerType.LINEAR).build(),
                STEPS,
                0.0,
                0.1,
                0.5,
                1.0,
                0.9888888888888889,
                0.7,
                0.5555555555555556,
                0.011111111111111112,
                0.0,
                0.0);
    }

    @Test
    void cosineHalfWaveAndCustomCycles() {
        assertMultipliers(
                hundredSteps(LrSchedulerType.COSINE).build(),
                STEPS,
                0.0,
                0.1,
                0.5,
                1.0,
                0.9996954135095479,
                0.7938926261462366,
                0.5868240888334653,
                0.00030458649045211894,
                0.0,
                0.116977778440511);
        assertMultipliers(
                hundredSteps(LrSchedulerType.COSINE).numCycles(1.5).build(),
                STEPS,
                0.0,
                0.1,
                0.5,
                1.0,
                0.9972609476841366,
                0.024471741852423234,
                0.24999999999999978,
                0.0027390523158632996,
                0.0,
                0.7500000000000003);
    }

    @Test
    void cosineWithHardRestarts() {
        assertMultipliers(
                hundredSteps(LrSchedulerType.COSINE_WITH_RESTARTS).numCycles(3).build(),
                STEPS,
                0.0,
                0.1,
                0.5,
                1.0,
                0.9972609476841366,
                0.02447174185242329,
                0.7500000000000002,
                0.0027390523158632996,
                0.0,
                0.0);
        // default: one cycle, same as a half cosine until the end, then 0
        LrSchedule one = hundredSteps(LrSchedulerType.COSINE_WITH_RESTARTS).build();
        assertThat(one.multiplier(37)).isCloseTo(0.7938926261462366, within(TOL));
        assertThat(one.multiplier(120)).isZero();
    }

    @Test
    void polynomialToLrEnd() {
        LrSchedule s =
                hundredSteps(LrSchedulerType.POLYNOMIAL).lrEnd(1e-5).power(2.0).build();
        assertMultipliers(
                s,
                STEPS,
                0.0,
                0.1,
                0.5,
                1.0,
                0.9790061728395063,
                0.5154999999999998,
                0.34320987654320995,
                0.050117283950617285,
                0.05,
                0.05);
        assertThat(s.learningRate(120)).isCloseTo(1e-5, within(1e-18));
        assertThatThrownBy(() -> LrSchedule.builder(LrSchedulerType.POLYNOMIAL, 1e-7)
                        .totalSteps(10)
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("lr_end");
    }

    @Test
    void constantAndConstantWithWarmup() {
        LrSchedule constant = LrSchedule.builder(LrSchedulerType.CONSTANT, 1e-4).build();
        assertMultipliers(constant, STEPS, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertMultipliers(
                LrSchedule.builder(LrSchedulerType.CONSTANT_WITH_WARMUP, 1e-4)
                        .warmupSteps(10)
                        .build(),
                STEPS,
                0.0,
                0.1,
                0.5,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0);
        assertThat(constant.learningRate(1_000_000)).isEqualTo(1e-4);
    }

    @Test
    void inverseSqrt() {
        assertMultipliers(
                LrSchedule.builder(LrSchedulerType.INVERSE_SQRT, 1e-4)
                        .warmupSteps(10)
                        .build(),
                STEPS,
                0.0,
                0.1,
                0.5,
                1.0,
                0.9534625892455922,
                0.5198752449100363,
                0.4472135954999579,
                0.3178208630818641,
                0.31622776601683794,
                0.2886751345948129);
        // without warmup the timescale is 10000
        assertMultipliers(
                LrSchedule.builder(LrSchedulerType.INVERSE_SQRT, 1e-4).build(),
                STEPS,
                1.0,
                0.9999500037496877,
                0.9997500937109545,
                0.9995003746877732,
                0.9994504533344625,
                0.998155117972014,
                0.9975093361076329,
                0.9950864531349993,
                0.9950371902099893,
                0.9940534656094301);
    }

    @Test
    void cosineWithMinLr() {
        double[] expected = {
            0.0,
            0.1,
            0.5,
            1.0,
            0.9997258721585931,
            0.8145033635316129,
            0.6281416799501187,
            0.10027412784140691,
            0.1,
            0.2052800005964599
        };
        assertMultipliers(
                hundredSteps(LrSchedulerType.COSINE_WITH_MIN_LR).minLrRate(0.1).build(), STEPS, expected);
        assertMultipliers(
                hundredSteps(LrSchedulerType.COSINE_WITH_MIN_LR).minLr(2e-5).build(), STEPS, expected);
        assertThatThrownBy(
                        () -> hundredSteps(LrSchedulerType.COSINE_WITH_MIN_LR).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("min_lr");
    }

    @Test
    void warmupStableDecayWithLlamaFactoryDefaults() {
        // remaining 90 steps: 90 // 3 = 30 stable, 60 cosine decay
        LrSchedule s = hundredSteps(LrSchedulerType.WARMUP_STABLE_DECAY).build();
        assertThat(s.numStableSteps()).isEqualTo(30);
        assertThat(s.numDecaySteps()).isEqualTo(60);
        assertMultipliers(
                s,
                new long[] {0, 1, 5, 10, 11, 37, 50, 99, 100, 120, 40, 41, 70},
                0.0,
                0.1,
                0.5,
                1.0,
                1.0,
                1.0,
                0.9330127018922194,
                0.0006852326227130834,
                0.0,
                0.0,
                1.0,
                0.9993147673772869,
                0.5);
        // 91 remaining: 30 stable, 61 decay
        LrSchedule odd = LrSchedule.builder(LrSchedulerType.WARMUP_STABLE_DECAY, 1e-4)
                .totalSteps(101)
                .warmupSteps(10)
                .build();
        assertThat(odd.numStableSteps()).isEqualTo(30);
        assertThat(odd.numDecaySteps()).isEqualTo(61);
    }

    @Test
    void warmupStableDecayWithExplicitPhasesCurvesAndFloor() {
        LrSchedule s = LrSchedule.builder(LrSchedulerType.WARMUP_STABLE_DECAY, 1e-4)
                .warmupSteps(8)
                .numStableSteps(20)
                .numDecaySteps(12)
                .warmupCurve(WsdCurve.COSINE)
                .decayCurve(WsdCurve.ONE_MINUS_SQRT)
                .minLrRatio(0.1)
                .build();
        assertMultipliers(
                s,
                new long[] {0, 3, 8, 27, 28, 29, 35, 39, 40, 50},
                0.1,
                0.3777924554357096,
                1.0,
                1.0,
                1.0,
                0.7401923788646684,
                0.312613645756624,
                0.1383156030192957,
                0.1,
                0.1);
        LrSchedule sqrtWarmup = LrSchedule.builder(LrSchedulerType.WARMUP_STABLE_DECAY, 1e-4)
                .warmupSteps(8)
                .numStableSteps(20)
                .numDecaySteps(12)
                .warmupCurve(WsdCurve.ONE_MINUS_SQRT)
                .decayCurve(WsdCurve.LINEAR)
                .build();
        assertMultipliers(sqrtWarmup, new long[] {3, 30}, 0.20943058495790512, 0.8333333333333334);
        assertThat(WsdCurve.fromKey("decay_type", "1-sqrt")).isEqualTo(WsdCurve.ONE_MINUS_SQRT);
        assertThatThrownBy(() -> WsdCurve.fromKey("decay_type", "exp"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("decay_type")
                .hasMessageContaining("exp");
    }

    @Test
    void warmupRatioRoundsUpLikeTransformers() {
        // 100 * 0.07 = 7.000000000000001 in binary floating point, so transformers warms up for 8 steps
        assertThat(LrSchedule.resolveWarmupSteps(0, 0.07, 100L)).isEqualTo(8);
        assertThat(LrSchedule.resolveWarmupSteps(0, 0.1, 100L)).isEqualTo(10);
        assertThat(LrSchedule.resolveWarmupSteps(0, 0.5, 7L)).isEqualTo(4);
        assertThat(LrSchedule.resolveWarmupSteps(5, 0.5, 7L)).isEqualTo(5);
        LrSchedule s = LrSchedule.builder(LrSchedulerType.LINEAR, 1e-4)
                .totalSteps(100)
                .warmupRatio(0.07)
                .build();
        assertThat(s.warmupSteps()).isEqualTo(8);
        assertThat(s.multiplier(4)).isCloseTo(0.5, within(TOL));
        assertThatThrownBy(() -> LrSchedule.resolveWarmupSteps(0, 1.5, 10L))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("warmup_ratio");
    }

    @Test
    void missingTotalStepsAndUnknownTypesAreConfigErrors() {
        assertThatThrownBy(
                        () -> LrSchedule.builder(LrSchedulerType.COSINE, 1e-4).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("cosine");
        assertThatThrownBy(() -> LrSchedule.builder(LrSchedulerType.REDUCE_LR_ON_PLATEAU, 1e-4)
                        .totalSteps(10)
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("reduce_lr_on_plateau");
        assertThatThrownBy(() -> LrSchedulerType.fromKey("cosine_restarts"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("cosine_restarts");
        assertThat(LrSchedulerType.fromKey("Warmup_Stable_Decay")).isEqualTo(LrSchedulerType.WARMUP_STABLE_DECAY);
        assertThat(LrSchedulerType.fromKey("cosine_with_restarts")).isEqualTo(LrSchedulerType.COSINE_WITH_RESTARTS);
    }

    @Test
    void schedulerFollowsLambdaLrAndItsStateIsTheStep(@TempDir Path dir) throws IOException {
        LrScheduler scheduler =
                new LrScheduler(hundredSteps(LrSchedulerType.LINEAR).build());
        assertThat(scheduler.currentLr()).isZero();
        for (int i = 0; i < 11; i++) {
            scheduler.step();
        }
        assertThat(scheduler.currentLr()).isCloseTo(2e-4 * 0.9888888888888889, within(1e-18));
        Path file = dir.resolve(LrScheduler.STATE_FILE);
        scheduler.save(file);
        assertThat(Files.readString(file)).contains("\"step\" : 11");
        LrScheduler resumed =
                new LrScheduler(hundredSteps(LrSchedulerType.LINEAR).build());
        resumed.load(file);
        assertThat(resumed.stepCount()).isEqualTo(11);
        assertThat(resumed.currentMultiplier()).isEqualTo(scheduler.currentMultiplier());
        Files.writeString(file, "{\"step\": -3}");
        assertThatThrownBy(() -> resumed.load(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("-3");
    }

    @Test
    void lrSchedulerKwargsReachTheSchedule() {
        LrSchedule fromKwargs = LrSchedule.builder(LrSchedulerType.COSINE_WITH_MIN_LR, 1e-3)
                .totalSteps(100)
                .kwargs(java.util.Map.of("min_lr_rate", 0.1))
                .build();
        LrSchedule direct = LrSchedule.builder(LrSchedulerType.COSINE_WITH_MIN_LR, 1e-3)
                .totalSteps(100)
                .minLrRate(0.1)
                .build();
        for (long step : new long[] {0, 37, 99, 100}) {
            assertThat(fromKwargs.learningRate(step)).isEqualTo(direct.learningRate(step));
        }
        assertThat(fromKwargs.learningRate(100)).isCloseTo(1e-4, within(1e-12));
        LrSchedule restarts = LrSchedule.builder(LrSchedulerType.COSINE_WITH_RESTARTS, 1e-3)
                .totalSteps(100)
                .kwargs(java.util.Map.of("num_cycles", "2"))
                .build();
        // two cycles: the rate is back at its peak right after step 50
        assertThat(restarts.learningRate(50)).isCloseTo(1e-3, within(1e-12));
        assertThatThrownBy(
                        () -> LrSchedule.builder(LrSchedulerType.COSINE, 1e-3).kwargs(java.util.Map.of("eta", 1)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("lr_scheduler_kwargs: unknown option 'eta' for lr_scheduler_type cosine");
        assertThatThrownBy(() ->
                        LrSchedule.builder(LrSchedulerType.COSINE, 1e-3).kwargs(java.util.Map.of("power", "high")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("lr_scheduler_kwargs: power must be a number, got 'high'");
    }
}
