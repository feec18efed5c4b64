package ai.llamafactory.api;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.spi.Trainer;
import ai.llamafactory.api.spi.TrainerProvider;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Trainer providers registered for the tests in {@code META-INF/services}. ServiceLoader instantiates them; tests
 * plug a (Mockito) trainer and a support rule into the static fields and reset them afterwards.
 */
final class TestTrainerProviders {
    static volatile Trainer trainer;
    static volatile Predicate<FineTuneConfig> supports = c -> true;
    static volatile boolean fallbackSupports;
    static final AtomicInteger CREATED = new AtomicInteger();

    private TestTrainerProviders() {}

    static void reset() {
        trainer = null;
        supports = c -> true;
        fallbackSupports = false;
        CREATED.set(0);
    }

    /** The provider the tests steer. */
    public static final class Main implements TrainerProvider {
        @Override
        public String name() {
            return "test-main";
        }

        @Override
        public boolean supports(FineTuneConfig config) {
            return supports.test(config);
        }

        @Override
        public int priority() {
            return 10;
        }

        @Override
        public Trainer create() {
            CREATED.incrementAndGet();
            return trainer;
        }
    }

    /** A lower-priority provider that supports a configuration only when asked to; its trainer always fails. */
    public static final class Fallback implements TrainerProvider {
        @Override
        public String name() {
            return "test-fallback";
        }

        @Override
        public boolean supports(FineTuneConfig config) {
            return fallbackSupports;
        }

        @Override
        public Trainer create() {
            return (config, listeners, cancellation) -> {
                throw new IllegalStateException("fallback trainer");
            };
        }
    }
}
