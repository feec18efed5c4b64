package ai.llamafactory.core.contract;

import ai.llamafactory.api.spi.ModelLoader;
import ai.llamafactory.core.loader.DjlModelLoader;

/** Runs the {@link ModelLoaderContract} against the default loader. */
class DjlModelLoaderContractTest extends ModelLoaderContract {
    @Override
    protected ModelLoader loader() {
        return new DjlModelLoader();
    }
}
