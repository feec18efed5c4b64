package ai.llamafactory.core.contract;

import ai.llamafactory.api.spi.TrainerProvider;
import ai.llamafactory.core.train.DjlTrainerProvider;

/** Runs the {@link TrainerContract} against the default pt/sft trainer (full tuning from the test class path). */
class DjlTrainerContractTest extends TrainerContract {
    @Override
    protected TrainerProvider provider() {
        return new DjlTrainerProvider();
    }
}
