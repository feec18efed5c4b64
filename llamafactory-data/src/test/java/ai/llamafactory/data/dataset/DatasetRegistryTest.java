package ai.llamafactory.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.DatasetException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetRegistryTest {
    @TempDir
    Path dir;

    private static DatasetRegistry parse(String json) {
        return DatasetRegistry.parse(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "info.json", Path.of("data"));
    }

    @Test
    void alpacaEntryGetsLlamaFactoryDefaults() {
        DatasetInfo info = parse("{\"a\": {\"file_name\": \"a.json\"}}").get("a");
        assertThat(info.fileName()).contains("a.json");
        assertThat(info.formatting()).isEqualTo(DatasetFormatting.ALPACA);
        assertThat(info.ranking()).isFalse();
        assertThat(info.split()).isEqualTo("train");
        assertThat(info.numSamples()).isEmpty();
        assertThat(info.columns().prompt()).isEqualTo("instruction");
        assertThat(info.columns().query()).isEqualTo("input");
        assertThat(info.columns().response()).isEqualTo("output");
        assertThat(info.columns().messages()).isEqualTo("conversations");
        assertThat(info.columns().history()).isNull();
        assertThat(info.columns().system()).isNull();
        assertThat(info.columns().ktoTag()).isNull();
        assertThat(info.tags())
                .isEqualTo(new DatasetTags("from", "value", "human", "gpt", "observation", "function_call", "system"));
    }

    @Test
    void openaiEntryGetsRoleContentDefaults() {
        DatasetInfo info = parse("{\"o\": {\"file_name\": \"o.jsonl\", \"formatting\": \"openai\"}}")
                .get("o");
        assertThat(info.columns().messages()).isEqualTo("messages");
        assertThat(info.tags())
                .isEqualTo(new DatasetTags("role", "content", "user", "assistant", "tool", "function_call", "system"));
    }

    @Test
    void columnsAndTagsOverrideDefaultsKeyByKey() {
        DatasetInfo info = parse(
                        """
                {"kto": {"file_name": "k.json", "formatting": "sharegpt", "ranking": false, "num_samples": 7,
                  "columns": {"messages": "messages", "kto_tag": "label", "system": null},
                  "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                           "assistant_tag": "assistant"}}}""")
                .get("kto");
        assertThat(info.columns().messages()).isEqualTo("messages");
        assertThat(info.columns().ktoTag()).isEqualTo("label");
        assertThat(info.columns().prompt()).isEqualTo("instruction");
        assertThat(info.tags().roleTag()).isEqualTo("role");
        assertThat(info.tags().observationTag()).isEqualTo("observation");
        assertThat(info.numSamples()).hasValue(7);
    }

    @Test
    void unknownEntryKeyNamesDatasetKeyAndSuggestion() {
        assertThatThrownBy(() -> parse("{\"mine\": {\"file_name\": \"m.json\", \"colums\": {}}}"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("info.json: dataset 'mine'")
                .hasMessageContaining("unknown key 'colums'")
                .hasMessageContaining("did you mean 'columns'?");
    }

    @Test
    void unknownColumnAndTagKeysAreErrors() {
        assertThatThrownBy(() -> parse("{\"m\": {\"file_name\": \"m.json\", \"columns\": {\"promt\": \"q\"}}}"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("unknown key 'columns.promt'")
                .hasMessageContaining("did you mean 'prompt'?");
        assertThatThrownBy(() -> parse("{\"m\": {\"file_name\": \"m.json\", \"tags\": {\"role\": \"r\"}}}"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("unknown key 'tags.role'")
                .hasMessageContaining("did you mean 'role_tag'?");
    }

    @Test
    void wrongValueTypesAreErrorsNamingTheValue() {
        assertThatThrownBy(() -> parse("{\"m\": {\"file_name\": \"m.json\", \"ranking\": \"yes\"}}"))
                .hasMessageContaining("'ranking' must be true or false, got \"yes\"");
        assertThatThrownBy(() -> parse("{\"m\": {\"file_name\": \"m.json\", \"num_samples\": 0}}"))
                .hasMessageContaining("'num_samples' must be a positive integer, got 0");
        assertThatThrownBy(() -> parse("{\"m\": {\"file_name\": \"m.json\", \"formatting\": \"chatml\"}}"))
                .hasMessageContaining("formatting 'chatml' is not one of [alpaca, sharegpt, openai]");
        assertThatThrownBy(() -> parse("{\"m\": {\"file_name\": 3}}"))
                .hasMessageContaining("'file_name' must be a string, got 3");
        assertThatThrownBy(() -> parse("{\"m\": {\"formatting\": \"alpaca\"}}"))
                .hasMessageContaining("dataset 'm': needs 'file_name'");
    }

    @Test
    void hubEntriesAreRecognisedAndRefusedAtLoadTime() {
        DatasetRegistry r = parse("{\"hub\": {\"hf_hub_url\": \"someone/data\", \"ms_hub_url\": \"x/y\"}}");
        DatasetInfo info = r.get("hub");
        assertThat(info.isLocal()).isFalse();
        assertThat(info.remoteSource()).contains(new RemoteSource("hf_hub_url", "someone/data"));
        assertThatThrownBy(() -> new DatasetLoader(r)
                        .load(List.of("hub"), DatasetLoadOptions.builder().build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("hf_hub_url 'someone/data'")
                .hasMessageContaining("hub datasets are not supported offline; download it to a file");
    }

    @Test
    void malformedJsonNamesFileLineAndColumn() {
        assertThatThrownBy(() -> parse("{\n  \"a\": {\"file_name\": \"a.json\",}\n}"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("info.json: not valid JSON at line 2, column");
    }

    @Test
    void missingDatasetInfoNamesThePathLookedFor() {
        assertThatThrownBy(() -> DatasetRegistry.load(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(
                        "looked for " + dir.resolve("dataset_info.json").toAbsolutePath());
    }

    @Test
    void unknownDatasetListsAvailableNamesClosestFirst() throws Exception {
        Files.writeString(
                dir.resolve("dataset_info.json"),
                """
                {"identity": {"file_name": "i.json"}, "alpaca_en_demo": {"file_name": "a.json"},
                 "alpaca_zh_demo": {"file_name": "z.json"}}""");
        DatasetRegistry r = DatasetRegistry.load(dir);
        assertThat(r.names()).containsExactly("identity", "alpaca_en_demo", "alpaca_zh_demo");
        assertThatThrownBy(() -> r.get("alpaca_en_dem"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("Unknown dataset 'alpaca_en_dem' in " + dir.resolve("dataset_info.json"))
                .hasMessageEndingWith("available (closest first): alpaca_en_demo, alpaca_zh_demo, identity");
    }

    @Test
    void suggestionsUseEditDistance() {
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.didYouMean("file_nam", List.of("file_name", "folder")))
                .contains("file_name");
        assertThat(Suggestions.didYouMean("zzzzzz", List.of("file_name", "folder")))
                .isEmpty();
    }
}
