package ai.llamafactory.core.train;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.data.EncodedPrompt;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.data.EncodedSplit;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.spi.DataWorkers;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import ai.llamafactory.data.worker.DefaultDataWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoded training and evaluation sequences of a pt or sft run, prepared by the {@link
 * ai.llamafactory.api.spi.DataWorker} (with its tokenized cache), and the tokenizer and template they were encoded
 * with (saved next to the trained weights).
 *
 * @param train training sequences
 * @param eval evaluation sequences (all evaluation sets together; empty when none is configured, and with
 *     {@code predict_with_generate}, whose evaluation sets are prompts)
 * @param predictPrompts the evaluation prompts of {@code predict_with_generate} (empty otherwise)
 * @param tokenizer the tokenizer, special tokens fixed by the template
 * @param template the chat template
 */
public record TrainingData(List<EncodedSequence> train, List<EncodedSequence> eval, List<EncodedPrompt> predictPrompts,
        Tokenizer tokenizer, ChatTemplate template) {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

    /**
     * Prepares the data of a configuration.
     *
     * @param config the run's configuration
     * @param modelFolder the model folder holding the tokenizer files
     * @return the data
     * @throws DatasetException if no valid example remains
     */
    public static TrainingData prepare(FineTuneConfig config, Path modelFolder) {
        PreparedData prepared = DataWorkers.load().prepare(config, modelFolder);
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
            throw new DatasetException("datasets " + config.data().dataset() + ": no training sequence is left after "
                    + "encoding with cutoff_len " + config.data().cutoffLen());
        }
        HfTokenizer raw = HfTokenizer.load(modelFolder);
        ChatTemplate template = DefaultDataWorker.configureTemplate(config.data(), raw);
        return new TrainingData(train, eval, prompts, template.fixSpecialTokens(raw), template);
    }
}
