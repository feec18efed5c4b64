package ai.llamafactory.core.train;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.data.EncodedPrompt;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.data.EncodedSplit;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import ai.llamafactory.data.worker.DefaultDataWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoded training and evaluation sequences of a pt or sft run, prepared by the {@link
 * ai.llamafactory.api.spi.DataWorker} found with {@link Plugins#dataWorker()} (with its tokenized cache), and the
 * tokenizer and template they were encoded with (saved next to the trained weights). The tokenizer and template are
 * the worker's own, carried by its {@link PreparedData}; only a worker that attaches none makes the trainer load them
 * from the model folder. Close it when the run ends: it frees the worker's tokenizer.
 *
 * @param train training sequences
 * @param eval evaluation sequences (all evaluation sets together; empty when none is configured, and with
 *     {@code predict_with_generate}, whose evaluation sets are prompts)
 * @param predictPrompts the evaluation prompts of {@code predict_with_generate} (empty otherwise)
 * @param tokenizer the tokenizer, special tokens fixed by the template
 * @param template the chat template
 * @param resources what closing frees: the prepared data, and a tokenizer loaded here
 */
public record TrainingData(
        List<EncodedSequence> train,
        List<EncodedSequence> eval,
        List<EncodedPrompt> predictPrompts,
        Tokenizer tokenizer,
        ChatTemplate template,
        List<AutoCloseable> resources)
        implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

    /**
     * Prepares the data of a configuration.
     *
     * @param config the run's configuration
     * @param modelFolder the model folder holding the tokenizer files
     * @return the data; close it
     * @throws DatasetException if no valid example remains
     */
    public static TrainingData prepare(FineTuneConfig config, Path modelFolder) {
        PreparedData prepared = Plugins.dataWorker().prepare(config, modelFolder);
        try {
            LOG.info("data: {}", prepared.summary());
            List<EncodedSequence> train = prepared.train().sequences();
            List<EncodedSequence> eval = new ArrayList<>();
            List<EncodedPrompt> prompts = new ArrayList<>();
            for (EncodedSplit split : prepared.eval().values()) {
                if (split.kind() == EncodedRecord.Kind.PROMPT) {
                    prompts.addAll(split.prompts());
                } else {
                    eval.addAll(split.sequences());
                }
            }
            if (train.isEmpty() && config.training().doTrain()) {
                throw new DatasetException("datasets " + config.data().dataset() + ": no training sequence is left "
                        + "after encoding with cutoff_len " + config.data().cutoffLen());
            }
            List<AutoCloseable> resources = new ArrayList<>(List.of(prepared));
            Optional<Tokenizer> tokenizer = prepared.resource(Tokenizer.class);
            Optional<ChatTemplate> template = prepared.resource(ChatTemplate.class);
            if (tokenizer.isPresent() && template.isPresent()) {
                return new TrainingData(train, eval, prompts, tokenizer.get(), template.get(), resources);
            }
            // a data worker of another engine: load them as the default worker does
            LOG.info("data worker attached no tokenizer and template: loading them from {}", modelFolder);
            HfTokenizer raw = HfTokenizer.load(modelFolder);
            resources.add(raw);
            ChatTemplate configured = DefaultDataWorker.configureTemplate(config.data(), raw);
            Tokenizer fixed = configured.fixSpecialTokens(raw);
            if (fixed != raw && fixed instanceof AutoCloseable own) {
                resources.add(own);
            }
            return new TrainingData(train, eval, prompts, fixed, configured, resources);
        } catch (RuntimeException e) {
            prepared.close();
            throw e;
        }
    }

    /** Frees the tokenizer (the prepared data's, or one loaded here), last acquired first. */
    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("cannot free a tokenizer of the run: {}", e.toString());
            }
        }
    }
}
