package ai.llamafactory.core.generate;

/**
 * Receives generated tokens as they are produced. Called on the generating thread, in row order within a step; keep
 * it short (it delays the next step). An exception thrown here aborts the generation and reaches the caller of
 * {@link Generator#generate(GenerationRequest)}.
 */
@FunctionalInterface
public interface GenerationListener {

    /**
     * @param chunk the token, its text and whether it ended the row
     */
    void onChunk(StreamChunk chunk);
}
