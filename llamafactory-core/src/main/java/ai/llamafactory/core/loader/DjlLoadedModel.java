package ai.llamafactory.core.loader;

import ai.llamafactory.api.spi.LoadedModel;
import ai.llamafactory.core.model.CausalLm;
import java.nio.file.Path;

/** A model loaded on DJL's PyTorch engine, with the folder it came from. */
public final class DjlLoadedModel implements LoadedModel {
    private final CausalLm model;
    private final Path folder;

    /**
     * @param model the model (ownership passes to this object)
     * @param folder the local folder it was read from
     */
    public DjlLoadedModel(CausalLm model, Path folder) {
        this.model = model;
        this.folder = folder;
    }

    /** @return the model itself, for trainers, adapters and generation */
    public CausalLm model() {
        return model;
    }

    @Override
    public String modelType() {
        return model.config().modelType();
    }

    @Override
    public Path localPath() {
        return folder;
    }

    @Override
    public long parameterCount() {
        return model.parameterCount();
    }

    @Override
    public long trainableParameterCount() {
        return model.trainableParameterCount();
    }

    @Override
    public String device() {
        return model.policy().device().toString();
    }

    @Override
    public void close() {
        model.close();
    }
}
