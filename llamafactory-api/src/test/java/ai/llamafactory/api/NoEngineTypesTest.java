package ai.llamafactory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The API module stays engine-free: no DJL type in its sources or on its classpath. */
class NoEngineTypesTest {

    @Test
    void noSourceFileMentionsDjl() throws IOException {
        Path sources = Path.of("src/main/java");
        assertThat(sources)
                .as("api sources from " + Path.of("").toAbsolutePath())
                .isDirectory();
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("ai.djl");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .collect(Collectors.toList());
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void djlIsNotOnTheClasspath() {
        assertThatThrownBy(() -> Class.forName("ai.djl.ndarray.NDArray")).isInstanceOf(ClassNotFoundException.class);
    }
}
