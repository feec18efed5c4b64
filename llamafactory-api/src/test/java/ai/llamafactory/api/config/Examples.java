package ai.llamafactory.api.config;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the verbatim LLaMA-Factory example files in the test resources. */
final class Examples {
    private Examples() {}

    static Path path(String name) {
        URL url = Examples.class.getResource("/llamafactory-examples/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource llamafactory-examples/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static FineTuneConfig read(String name, String... overrides) {
        return FineTuneConfig.fromYaml(path(name), overrides);
    }
}
