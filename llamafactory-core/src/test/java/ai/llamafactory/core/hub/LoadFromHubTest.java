package ai.llamafactory.core.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlLoadedModel;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.testing.Conformance;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default loader resolves a hub id through the cache: download once, then load offline. */
class LoadFromHubTest {
    @TempDir
    Path cache;

    @Test
    void hubIdDownloadsThenLoadsOffline() throws Exception {
        DjlEngine.get();
        Path llama = Conformance.requireFolder("models").resolve("llama");
        try (FakeHub hub = new FakeHub()) {
            hub.addRepo("tiny/llama")
                    .file("config.json", Files.readAllBytes(llama.resolve("config.json")))
                    .lfsFile("model.safetensors", Files.readAllBytes(llama.resolve("model.safetensors")))
                    .file("README.md", "not downloaded".getBytes());
            ModelArguments online = ModelArguments.builder("tiny/llama")
                    .cacheDir(cache)
                    .hubEndpoint(hub.endpoint())
                    .device("cpu")
                    .build();
            try (DjlLoadedModel m = new DjlModelLoader().load(online)) {
                assertThat(m.modelType()).isEqualTo("llama");
                assertThat(m.localPath()).startsWith(cache);
                assertThat(m.localPath().resolve("README.md")).doesNotExist();
            }
            int served = hub.contentRequests.get();
            try (DjlLoadedModel m =
                    new DjlModelLoader().load(online.toBuilder().offline(true).build())) {
                assertThat(m.parameterCount()).isGreaterThan(0);
            }
            assertThat(hub.contentRequests.get()).isEqualTo(served);
        }
    }
}
