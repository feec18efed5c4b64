package ai.llamafactory.api.spi;

import java.nio.file.Path;

/**
 * A model that a {@link ModelLoader} has placed in memory. The handle owns native memory: close it when done.
 * Implementations expose their engine-specific model through their own types; this interface carries only what any
 * caller can use without depending on an engine.
 */
public interface LoadedModel extends AutoCloseable {

    /** @return the {@code model_type} of the checkpoint's {@code config.json}, e.g. {@code qwen3} */
    String modelType();

    /** @return the local folder the model was read from (a download cache folder for hub ids) */
    Path localPath();

    /** @return the number of parameters (elements) of the model, adapters included */
    long parameterCount();

    /** @return the number of parameters that receive gradients */
    long trainableParameterCount();

    /** @return the device the model lives on, e.g. {@code cpu()} or {@code gpu(0)} */
    String device();

    /** Releases the model's native memory. */
    @Override
    void close();
}
