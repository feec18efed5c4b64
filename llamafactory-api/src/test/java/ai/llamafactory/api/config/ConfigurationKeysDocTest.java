package ai.llamafactory.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration-keys.md} is generated from the key declarations: this test regenerates it and fails when
 * the checked-in file differs (run with {@code -Dllamafactory.writeDocs=true} to rewrite it).
 */
class ConfigurationKeysDocTest {
    private static final Path FILE = Path.of("..", "docs", "configuration-keys.md");

    @Test
    void theReferenceTableIsCurrent() throws IOException {
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("llamafactory.writeDocs")) {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, generated, StandardCharsets.UTF_8);
        }
        assertThat(FILE)
                .as("docs/configuration-keys.md (regenerate with -Dllamafactory.writeDocs=true)")
                .exists();
        assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
                .as("docs/configuration-keys.md is generated from "
                        + "the Key declarations; regenerate it with -Dllamafactory.writeDocs=true")
                .isEqualTo(generated);
        assertThat(generated)
                .contains("| `lora_rank` | 8 | an integer; > 0 | the rank r of the LoRA matrices |")
                .contains("| `lora_alpha` | 2 * lora_rank |");
    }
}
