package ai.llamafactory.data.contract;

import ai.llamafactory.api.spi.DataWorker;
import ai.llamafactory.data.worker.DefaultDataWorker;

/** Runs the {@link DataWorkerContract} against the default worker, with a cache of its own per check. */
class DefaultDataWorkerContractTest extends DataWorkerContract {
    @Override
    protected DataWorker worker() {
        return DefaultDataWorker.builder().cacheRoot(tmp.resolve("cache")).build();
    }
}
