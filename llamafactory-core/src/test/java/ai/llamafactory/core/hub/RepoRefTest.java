package ai.llamafactory.core.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** API and download URLs in the hub's format, for every repository type. */
class RepoRefTest {

    @Test
    void modelUrlsEscapeTheRevisionAsOneSegmentAndKeepFolderSlashes() {
        RepoRef model = new RepoRef(RepoType.MODEL, "Qwen/Qwen3-0.6B", "refs/pr/1", "https://huggingface.co");

        assertThat(model.listingUri())
                .isEqualTo(URI.create(
                        "https://huggingface.co/api/models/Qwen/Qwen3-0.6B/revision/refs%2Fpr%2F1?blobs=true"));
        assertThat(model.resolveUri("0123456789abcdef0123456789abcdef01234567", "onnx/model file.onnx"))
                .isEqualTo(URI.create("https://huggingface.co/Qwen/Qwen3-0.6B/resolve/"
                        + "0123456789abcdef0123456789abcdef01234567/onnx/model%20file.onnx"));
    }

    @Test
    void datasetAndSpaceUrlsCarryTheirPrefix() {
        RepoRef dataset =
                new RepoRef(RepoType.DATASET, "llamafactory/alpaca_en", "main", "https://hf-mirror.com/prefix");
        RepoRef space = new RepoRef(RepoType.SPACE, "org/demo", "main", "https://huggingface.co");

        assertThat(dataset.listingUri())
                .isEqualTo(URI.create(
                        "https://hf-mirror.com/prefix/api/datasets/llamafactory/alpaca_en/revision/main?blobs=true"));
        assertThat(dataset.resolveUri("main", "alpaca_data_en_52k.json"))
                .isEqualTo(
                        URI.create(
                                "https://hf-mirror.com/prefix/datasets/llamafactory/alpaca_en/resolve/main/alpaca_data_en_52k.json"));
        assertThat(space.resolveUri("main", "app.py"))
                .isEqualTo(URI.create("https://huggingface.co/spaces/org/demo/resolve/main/app.py"));
        assertThat(CacheLayout.folderName(RepoType.DATASET, "llamafactory/alpaca_en"))
                .isEqualTo("datasets--llamafactory--alpaca_en");
    }

    @Test
    void commitShasAreRecognised() {
        assertThat(RepoRef.isCommitSha("0123456789abcdef0123456789abcdef01234567"))
                .isTrue();
        assertThat(RepoRef.isCommitSha("main")).isFalse();
        assertThat(RepoRef.isCommitSha("0123456789ABCDEF0123456789abcdef01234567"))
                .isFalse();
    }
}
