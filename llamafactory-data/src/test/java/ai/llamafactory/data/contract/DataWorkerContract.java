package ai.llamafactory.data.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.spi.DataWorker;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link DataWorker}, for any implementation: extend this class, return the implementation from
 * {@link #worker()} (and, when it needs other fixtures, override {@link #tokenizerDir()} and {@link #sftConfig}), and
 * JUnit 5 runs every check against it. {@code DefaultDataWorkerContractTest} runs it against the default worker.
 *
 * <p>Checks: a stable short name, registration with {@link java.util.ServiceLoader} (found by {@link Plugins}),
 * supervised sequences for stage {@code sft} within {@code cutoff_len} with labels to learn, an unknown dataset
 * refused as a {@link DatasetException} naming it, equal results from concurrent calls (workers are thread-safe),
 * and a {@link PreparedData} that can be closed (twice).
 *
 * <p>The default fixtures are the tiny conformance model with the byte-level tokenizer and the eight-row alpaca
 * dataset {@code tiny} of {@link TinyRun} (llamafactory-testing).
 */
public abstract class DataWorkerContract {
    /** A folder for the fixtures of one check. */
    @TempDir
    protected Path tmp;

    /** @return the implementation under test, a new or shared instance */
    protected abstract DataWorker worker();

    /** @return a model folder whose tokenizer the worker reads; by default the tiny qwen3 conformance model */
    protected Path tokenizerDir() {
        return TinyRun.model("qwen3", tmp.resolve("model"));
    }

    /**
     * @param model the model folder ({@link #tokenizerDir()})
     * @param datasetDir a folder holding {@code dataset_info.json} and the dataset {@code tiny}
     * @param dataset the dataset name to ask for
     * @return an sft configuration over the dataset with cutoff_len 64
     */
    protected FineTuneConfig sftConfig(Path model, Path datasetDir, String dataset) {
        return FineTune.model(model)
                .full()
                .sft()
                .dataset(dataset)
                .datasetDir(datasetDir.toString())
                .template("chatml")
                .cutoffLen(64)
                .outputDir(tmp.resolve("out"))
                .build();
    }

    @Test
    void hasAStableShortName() {
        DataWorker worker = worker();
        assertThat(worker.name()).isNotBlank().isEqualTo(worker.name());
    }

    @Test
    void isRegisteredWithServiceLoader() {
        Class<?> type = worker().getClass();
        assertThat(Plugins.dataWorkers(type.getClassLoader()))
                .as("META-INF/services/" + DataWorker.class.getName())
                .anySatisfy(w -> assertThat(w).isInstanceOf(type));
    }

    @Test
    void preparesSupervisedSequencesWithinCutoffLen() {
        Path model = tokenizerDir();
        FineTuneConfig config = sftConfig(model, TinyRun.dataset(tmp.resolve("data")), "tiny");
        try (PreparedData data = worker().prepare(config, model)) {
            assertThat(data.stage()).isEqualTo(Stage.SFT);
            assertThat(data.templateName()).isNotBlank();
            assertThat(data.train().kind()).isEqualTo(EncodedRecord.Kind.SEQUENCE);
            List<EncodedSequence> rows = data.train().sequences();
            assertThat(rows).isNotEmpty();
            for (EncodedSequence row : rows) {
                assertThat(row.length()).isBetween(1, config.data().cutoffLen());
                assertThat(row.labelCount()).as("labels to learn").isPositive();
            }
            assertThat(data.trainTokens())
                    .isEqualTo(rows.stream().mapToLong(EncodedSequence::length).sum());
            data.close();
        }
    }

    @Test
    void refusesAnUnknownDatasetByName() {
        Path model = tokenizerDir();
        FineTuneConfig config = sftConfig(model, TinyRun.dataset(tmp.resolve("data")), "no_such_dataset");
        assertThatThrownBy(() -> worker().prepare(config, model))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no_such_dataset");
    }

    @Test
    void concurrentCallsGiveTheSameSequences() throws Exception {
        Path model = tokenizerDir();
        FineTuneConfig config = sftConfig(model, TinyRun.dataset(tmp.resolve("data")), "tiny");
        DataWorker worker = worker();
        CompletableFuture<List<EncodedSequence>> other = CompletableFuture.supplyAsync(() -> {
            try (PreparedData data = worker.prepare(config, model)) {
                return data.train().sequences();
            }
        });
        try (PreparedData data = worker.prepare(config, model)) {
            assertThat(other.get()).isEqualTo(data.train().sequences());
        }
    }
}
