package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code version}, {@code --version} and {@code env}. */
class VersionAndEnvTest {
    @Test
    void versionIsTheBuildVersionInABox() {
        LibraryVersion v = LibraryVersion.current();
        // filled in from the pom by resource filtering, not left as a placeholder
        assertThat(v.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(v.djlVersion()).isEqualTo("0.35.1");
        CliRun.Result r = CliRun.of("version");
        assertThat(r.exitCode()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(6);
        assertThat(lines[0]).matches("-+").isEqualTo(lines[5]);
        assertThat(lines[1])
                .startsWith("| Welcome to LlamaFactory for Java, version " + v.version())
                .endsWith("|")
                .hasSameSizeAs(lines[0]);
        assertThat(r.out())
                .contains("| Project page: https://github.com/llamafactory-java/llamafactory-java")
                .contains("DJL 0.35.1, PyTorch 2.7.1");
    }

    @Test
    void versionOption() {
        CliRun.Result r = CliRun.of("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .isEqualTo("LlamaFactory for Java " + LibraryVersion.current().version() + "\n");
    }

    @Test
    void envReportsJavaDjlEngineAndDevices() {
        CliRun.Result r = CliRun.of("env");
        System.out.println(r.out());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("- LlamaFactory for Java version: "
                        + LibraryVersion.current().version() + "\n")
                .contains("- Java version: " + System.getProperty("java.version") + " (")
                .contains("- OS: " + System.getProperty("os.name"))
                .contains("- CPU cores: " + Runtime.getRuntime().availableProcessors() + "\n")
                .contains(" max heap\n")
                .contains("- DJL version: 0.35.1\n")
                .contains("- PyTorch engine version: 2.7.1\n")
                .containsPattern("- Devices: cpu\\(\\)")
                .contains("- DJL offline (ai.djl.offline): true\n");
    }
}
