package ai.llamafactory.core.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The default file selections and the glob syntax. */
class HubFileFiltersTest {
    private static final List<String> QWEN3_REPO = List.of(
            ".gitattributes",
            "LICENSE",
            "README.md",
            "config.json",
            "generation_config.json",
            "merges.txt",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors",
            "model.safetensors.index.json",
            "tokenizer.json",
            "tokenizer_config.json",
            "vocab.json",
            "pytorch_model.bin",
            "onnx/model.safetensors",
            "original/consolidated.00.pth",
            "special_tokens_map.json",
            "added_tokens.json",
            "tokenizer.model",
            "chat_template.jinja",
            "adapter_config.json");

    @Test
    void modelFilesSelectConfigWeightsAndTokenizerAtTheTopLevel() {
        assertThat(select(HubFileFilters.modelFiles()))
                .containsExactly(
                        "config.json",
                        "generation_config.json",
                        "merges.txt",
                        "model-00001-of-00002.safetensors",
                        "model-00002-of-00002.safetensors",
                        "model.safetensors.index.json",
                        "tokenizer.json",
                        "tokenizer_config.json",
                        "vocab.json",
                        "special_tokens_map.json",
                        "added_tokens.json",
                        "tokenizer.model",
                        "chat_template.jinja");
    }

    @Test
    void adapterFilesSelectThePeftPair() {
        List<String> adapterRepo = List.of(
                "README.md",
                "adapter_config.json",
                "adapter_model.safetensors",
                "training_args.bin",
                "checkpoint-10/adapter_model.safetensors");
        assertThat(adapterRepo.stream().filter(HubFileFilters.adapterFiles()).toList())
                .containsExactly("adapter_config.json", "adapter_model.safetensors");
    }

    @Test
    void globStarStaysInOneFolderAndDoubleStarCrossesFolders() {
        Predicate<String> oneLevel = HubFileFilters.glob("*.json");
        Predicate<String> anyLevel = HubFileFilters.glob("**.json");
        Predicate<String> single = HubFileFilters.glob("model-0000?-of-00002.safetensors");

        assertThat(oneLevel.test("config.json")).isTrue();
        assertThat(oneLevel.test("sub/config.json")).isFalse();
        assertThat(anyLevel.test("sub/dir/config.json")).isTrue();
        assertThat(single.test("model-00002-of-00002.safetensors")).isTrue();
        assertThat(single.test("model-00012-of-00002.safetensors")).isFalse();
        assertThat(HubFileFilters.glob("a+b(c).json").test("a+b(c).json")).isTrue();
        assertThat(HubFileFilters.glob().test("config.json")).isFalse();
        assertThat(HubFileFilters.allFiles().test("any/thing")).isTrue();
    }

    private static List<String> select(Predicate<String> filter) {
        return QWEN3_REPO.stream().filter(filter).toList();
    }
}
