package ai.llamafactory.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults from the environment variables huggingface_hub reads, and builder validation. */
class HubClientConfigTest {

    @TempDir
    Path home;

    @Test
    void emptyEnvironmentGivesThePublicHubAndTheUserCache() {
        HubClient client = HubClient.builder(Map.of("HF_HOME", home.toString())).build();

        assertThat(client.endpoint()).isEqualTo("https://huggingface.co");
        assertThat(client.cacheDir()).isEqualTo(home.resolve("hub").toAbsolutePath());
        assertThat(client.hasToken()).isFalse();
        assertThat(client.offline()).isFalse();
        assertThat(client.maxRetries()).isEqualTo(5);
        assertThat(client.readTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(client.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(client.parallelDownloads()).isEqualTo(4);
    }

    @Test
    void cacheFolderFollowsHfHubCacheThenHfHomeThenXdgThenUserHome() {
        assertThat(HubClient.builder(Map.of("HF_HUB_CACHE", "/data/hub", "HF_HOME", "/data/hf"))
                        .build()
                        .cacheDir())
                .isEqualTo(Path.of("/data/hub"));
        assertThat(HubClient.builder(Map.of("HF_HOME", "/data/hf")).build().cacheDir())
                .isEqualTo(Path.of("/data/hf/hub"));
        assertThat(HubClient.builder(Map.of("XDG_CACHE_HOME", "/data/xdg", "HF_TOKEN", "x"))
                        .build()
                        .cacheDir())
                .isEqualTo(Path.of("/data/xdg/huggingface/hub"));
        assertThat(HubClient.builder(Map.of("HF_TOKEN", "x")).build().cacheDir())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
        assertThat(HubClient.builder(Map.of("HF_HUB_CACHE", "/data/hub"))
                        .cacheDir(Path.of("/explicit"))
                        .build()
                        .cacheDir())
                .isEqualTo(Path.of("/explicit"));
    }

    @Test
    void endpointComesFromHfEndpointWithoutTrailingSlash() {
        HubClient client = HubClient.builder(
                        Map.of("HF_ENDPOINT", "https://hf-mirror.com/", "HF_HOME", home.toString()))
                .build();
        assertThat(client.endpoint()).isEqualTo("https://hf-mirror.com");
        assertThat(HubClient.builder(Map.of("HF_ENDPOINT", "https://hf-mirror.com", "HF_HOME", home.toString()))
                        .endpoint("http://127.0.0.1:8080/prefix/")
                        .build()
                        .endpoint())
                .isEqualTo("http://127.0.0.1:8080/prefix");

        assertThatThrownBy(() -> HubClient.builder(Map.of("HF_ENDPOINT", "ftp://mirror", "HF_HOME", home.toString()))
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("HF_ENDPOINT")
                .hasMessageContaining("'ftp://mirror'");
        assertThatThrownBy(() -> HubClient.builder(Map.of("HF_HOME", home.toString()))
                        .endpoint("huggingface.co")
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'huggingface.co'");
    }

    @Test
    void tokenComesFromHfTokenThenLegacyVariableThenTheLoginFile() throws IOException {
        assertThat(HubClient.builder(Map.of("HF_TOKEN", "hf_a", "HF_HOME", home.toString()))
                        .build()
                        .hasToken())
                .isTrue();
        assertThat(HubClient.builder(Map.of("HUGGING_FACE_HUB_TOKEN", "hf_b", "HF_HOME", home.toString()))
                        .build()
                        .hasToken())
                .isTrue();
        assertThat(HubClient.builder(Map.of("HF_HOME", home.toString())).build().hasToken())
                .isFalse();

        Files.writeString(home.resolve("token"), "hf_from_login\n");
        HubClient fromFile =
                HubClient.builder(Map.of("HF_HOME", home.toString())).build();
        assertThat(fromFile.hasToken()).isTrue();
        assertThat(fromFile.toString()).doesNotContain("hf_from_login").contains("token=<set>");

        Path elsewhere = home.resolve("elsewhere-token");
        Files.writeString(elsewhere, "hf_c");
        assertThat(HubClient.builder(Map.of("HF_TOKEN_PATH", elsewhere.toString(), "HF_HOME", "/nonexistent"))
                        .build()
                        .hasToken())
                .isTrue();
        assertThat(HubClient.builder(Map.of("HF_HOME", home.toString()))
                        .token(null)
                        .build()
                        .hasToken())
                .isFalse();
    }

    @Test
    void offlineFollowsHfHubOfflineAndTransformersOffline() {
        for (String on : new String[] {"1", "true", "YES", "On"}) {
            assertThat(HubClient.builder(Map.of("HF_HUB_OFFLINE", on, "HF_HOME", home.toString()))
                            .build()
                            .offline())
                    .as(on)
                    .isTrue();
        }
        assertThat(HubClient.builder(Map.of("TRANSFORMERS_OFFLINE", "1", "HF_HOME", home.toString()))
                        .build()
                        .offline())
                .isTrue();
        assertThat(HubClient.builder(Map.of("HF_HUB_OFFLINE", "0", "HF_HOME", home.toString()))
                        .build()
                        .offline())
                .isFalse();
        assertThat(HubClient.builder(Map.of("HF_HUB_OFFLINE", "1", "HF_HOME", home.toString()))
                        .offline(false)
                        .build()
                        .offline())
                .isFalse();
    }

    @Test
    void modelArgumentsOverrideTheEnvironment() {
        ModelArguments arguments = ModelArguments.builder("Qwen/Qwen3-0.6B")
                .cacheDir(home.resolve("models"))
                .hubToken("hf_arg")
                .hubEndpoint("https://hf-mirror.com")
                .offline(true)
                .build();

        HubClient client = HubClient.forModel(
                arguments, Map.of("HF_ENDPOINT", "https://other.example", "HF_HOME", home.toString()));

        assertThat(client.cacheDir()).isEqualTo(home.resolve("models").toAbsolutePath());
        assertThat(client.endpoint()).isEqualTo("https://hf-mirror.com");
        assertThat(client.hasToken()).isTrue();
        assertThat(client.offline()).isTrue();

        HubClient fromEnvironment = HubClient.forModel(
                ModelArguments.builder("gpt2").build(), Map.of("HF_HUB_OFFLINE", "1", "HF_HOME", home.toString()));
        assertThat(fromEnvironment.offline()).isTrue();
        assertThat(fromEnvironment.cacheDir()).isEqualTo(home.resolve("hub").toAbsolutePath());
    }

    @Test
    void toBuilderKeepsEverySetting() {
        HubClient original = HubClient.builder(Map.of("HF_HOME", home.toString()))
                .endpoint("http://127.0.0.1:1")
                .token("hf_x")
                .offline(true)
                .maxRetries(2)
                .retryDelay(Duration.ofMillis(5))
                .readTimeout(Duration.ofSeconds(3))
                .parallelDownloads(2)
                .build();

        HubClient copy = original.toBuilder().maxRetries(3).build();

        assertThat(copy.endpoint()).isEqualTo("http://127.0.0.1:1");
        assertThat(copy.hasToken()).isTrue();
        assertThat(copy.offline()).isTrue();
        assertThat(copy.cacheDir()).isEqualTo(original.cacheDir());
        assertThat(copy.retryDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(copy.readTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(copy.parallelDownloads()).isEqualTo(2);
        assertThat(copy.maxRetries()).isEqualTo(3);
        assertThat(original.maxRetries()).isEqualTo(2);
    }

    @Test
    void outOfRangeSettingsAreRejectedWithTheirValue() {
        HubClient.Builder builder = HubClient.builder(Map.of("HF_HOME", home.toString()));
        assertThatThrownBy(() -> builder.maxRetries(-1))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> builder.parallelDownloads(0))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> builder.readTimeout(Duration.ZERO))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> builder.retryDelay(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("retryDelay");
    }

    @Test
    void repoFolderUsesTheHuggingfaceHubNaming() {
        HubClient client = HubClient.builder(Map.of("HF_HOME", home.toString())).build();
        assertThat(client.repoFolder(RepoType.MODEL, "Qwen/Qwen3-0.6B"))
                .isEqualTo(home.resolve("hub/models--Qwen--Qwen3-0.6B").toAbsolutePath());
        assertThat(client.repoFolder(RepoType.DATASET, "llamafactory/alpaca_en"))
                .isEqualTo(home.resolve("hub/datasets--llamafactory--alpaca_en").toAbsolutePath());
        assertThat(client.repoFolder(RepoType.MODEL, "gpt2"))
                .isEqualTo(home.resolve("hub/models--gpt2").toAbsolutePath());
    }

    @Test
    void etagsLoseWeakPrefixAndQuotes() {
        assertThat(HubClient.normalizeEtag("W/\"abc123\"")).isEqualTo("abc123");
        assertThat(HubClient.normalizeEtag("\"abc123\"")).isEqualTo("abc123");
        assertThat(HubClient.normalizeEtag(" abc123 ")).isEqualTo("abc123");
    }
}
