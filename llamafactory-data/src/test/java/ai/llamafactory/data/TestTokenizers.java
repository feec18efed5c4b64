package ai.llamafactory.data;

import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.testing.Conformance;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads each conformance tokenizer once per test JVM (loading a 150k-token vocabulary takes about a second). */
public final class TestTokenizers {
    private static final Map<Path, HfTokenizer> CACHE = new ConcurrentHashMap<>();

    private TestTokenizers() {}

    /**
     * @param folder a tokenizer folder
     * @return the shared tokenizer (never close it)
     */
    public static HfTokenizer get(Path folder) {
        return CACHE.computeIfAbsent(folder.toAbsolutePath().normalize(), HfTokenizer::load);
    }

    /** @return the Qwen3 tokenizer of the conformance data (fails the test, naming the folder, when the data is absent) */
    public static HfTokenizer qwen3() {
        return get(Conformance.requireFolder("tokenizers/qwen3"));
    }
}
