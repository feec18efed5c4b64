package ai.llamafactory.core.train;

import ai.llamafactory.api.config.DataArguments;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.dataset.DatasetLoadOptions;
import ai.llamafactory.data.dataset.DatasetLoader;
import ai.llamafactory.data.dataset.LoadedDatasets;
import ai.llamafactory.data.dataset.MixStrategy;
import ai.llamafactory.data.dataset.ValSize;
import ai.llamafactory.data.encode.EncodedDataset;
import ai.llamafactory.data.encode.EncodedExample;
import ai.llamafactory.data.encode.EncodingOptions;
import ai.llamafactory.data.encode.PretrainEncoder;
import ai.llamafactory.data.encode.SequencePacker;
import ai.llamafactory.data.encode.SupervisedEncoder;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoded training and evaluation examples of a pt or sft run, with the tokenizer and template that produced
 * them.
 *
 * @param train training examples
 * @param eval evaluation examples (empty when no evaluation set is configured)
 * @param tokenizer the tokenizer, special tokens fixed by the template
 * @param template the chat template
 */
public record TrainingData(List<EncodedExample> train, List<EncodedExample> eval, Tokenizer tokenizer,
        ChatTemplate template) {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

    /**
     * Loads and encodes the datasets of a configuration.
     *
     * @param config the run's configuration
     * @param modelFolder the model folder holding the tokenizer files
     * @return the data
     * @throws DatasetException if no valid example remains
     */
    public static TrainingData prepare(FineTuneConfig config, Path modelFolder) {
        DataArguments d = config.data();
        Stage stage = config.stage();
        HfTokenizer raw = HfTokenizer.load(modelFolder);
        ChatTemplate template = TemplateRegistry.resolve(d.template().orElse(null), raw);
        Tokenizer tokenizer = template.fixSpecialTokens(raw);
        DatasetLoadOptions.Builder opts = DatasetLoadOptions.builder()
                .stage(stage)
                .mixStrategy(MixStrategy.valueOf(d.mixStrategy().name()))
                .interleaveProbs(d.interleaveProbs())
                .maxSamples(d.maxSamples().isPresent() ? d.maxSamples().getAsInt() : null)
                .valSize(d.valSize() > 0 ? ValSize.of(d.valSize()) : ValSize.NONE)
                .evalDatasets(d.evalDataset())
                .seed(config.training().seed());
        Path dir = Paths.get(d.datasetDir());
        DatasetLoader loader;
        if (Files.isDirectory(dir)) {
            opts.datasetDir(dir);
            loader = DatasetLoader.forDirectory(dir);
        } else {
            LOG.info("dataset_dir '{}' does not exist; using the bundled demo datasets", d.datasetDir());
            loader = DatasetLoader.demo();
        }
        DatasetLoadOptions options = opts.build();
        LoadedDatasets loaded = loader.load(d.dataset(), options);
        EncodingOptions encoding = EncodingOptions.builder()
                .cutoffLen(d.cutoffLen())
                .trainOnPrompt(d.trainOnPrompt())
                .maskHistory(d.maskHistory())
                .packing(d.packing().orElse(null))
                .neatPacking(d.neatPacking())
                .build();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        List<EncodedExample> train = encode(loaded.train(), stage, template, tokenizer, encoding, threads, "train");
        List<EncodedExample> eval = new ArrayList<>();
        loaded.eval().values().forEach(v -> eval.addAll(encode(v, stage, template, tokenizer, encoding, threads,
                "eval")));
        if (train.isEmpty() && config.training().doTrain()) {
            throw new DatasetException("datasets " + d.dataset() + ": no example is left after encoding with cutoff_len "
                    + d.cutoffLen());
        }
        LOG.info("data: {} training and {} evaluation sequences (template {}, cutoff_len {})", train.size(),
                eval.size(), template.name(), d.cutoffLen());
        return new TrainingData(train, eval, tokenizer, template);
    }

    private static List<EncodedExample> encode(List<AlignedExample> rows, Stage stage, ChatTemplate template,
            Tokenizer tokenizer, EncodingOptions encoding, int threads, String split) {
        if (rows.isEmpty()) {
            return List.of();
        }
        EncodedDataset<EncodedExample> encoded = stage == Stage.PT
                ? new PretrainEncoder(template, tokenizer, encoding).encodeAll(rows, threads)
                : new SupervisedEncoder(template, tokenizer, encoding).encodeAll(rows, threads);
        if (!encoded.dropped().isEmpty()) {
            LOG.warn("{}: {} examples dropped while encoding, first: {}", split, encoded.dropped().size(),
                    encoded.dropped().get(0));
        }
        List<EncodedExample> out = encoded.examples();
        if (stage == Stage.SFT && encoding.packing(stage)) {
            int pad = tokenizer.specialTokens().padId().orElse(tokenizer.specialTokens().eosId().orElse(0));
            out = SequencePacker.packSupervised(out, encoding.effectiveCutoffLen(stage), encoding.neatPacking(), pad)
                    .rows();
        }
        return out;
    }
}
