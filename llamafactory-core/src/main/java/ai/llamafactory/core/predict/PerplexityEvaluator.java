package ai.llamafactory.core.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.core.chat.DjlChatModel;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.ModelFolders;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.model.BatchTensors;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.data.encode.BatchCollator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The perplexity of a model on encoded sequences (LLaMA-Factory's {@code scripts/stat_utils/cal_ppl.py}): the
 * negative log-likelihood of every label token given the tokens before it ({@link CausalLmLoss}, labels shifted by
 * one, {@code -100} ignored), averaged over all label tokens and exponentiated; the per-example perplexities and
 * their mean are reported as well. Sequences are scored in right-padded batches with autograd off.
 *
 * <pre>{@code
 * PerplexityResult ppl = PerplexityEvaluator.run(FineTuneConfig.fromYaml(Path.of("ppl.yaml")));
 * }</pre>
 */
public final class PerplexityEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(PerplexityEvaluator.class);

    private final CausalLm model;
    private final BatchCollator collator;

    /**
     * @param model the model
     * @param padId the pad token id (its value does not change the result: padding is masked)
     */
    public PerplexityEvaluator(CausalLm model, int padId) {
        this.model = Objects.requireNonNull(model, "model");
        this.collator = BatchCollator.of(padId, BatchCollator.PaddingSide.RIGHT);
    }

    /**
     * Scores the training split of a configuration's datasets ({@code dataset}, stage {@code sft} or {@code pt}, as
     * cal_ppl.py does) with the model and adapters the configuration names, in batches of
     * {@code per_device_eval_batch_size}.
     *
     * @param config the configuration
     * @return the perplexity
     * @throws InvalidConfigException when the stage does not encode sequences with labels
     * @throws DatasetException when no sequence has a label token
     */
    public static PerplexityResult run(FineTuneConfig config) {
        if (config.stage() != ai.llamafactory.api.config.Stage.SFT
                && config.stage() != ai.llamafactory.api.config.Stage.PT) {
            throw new InvalidConfigException("stage: perplexity is computed on sft or pt sequences, got stage "
                    + config.stage().key());
        }
        FineTuneConfig asTraining = config.toBuilder()
                .training(config.training().toBuilder()
                        .doTrain(true)
                        .doEval(false)
                        .doPredict(false)
                        .predictWithGenerate(false)
                        .build())
                .build();
        List<EncodedSequence> examples;
        int padTokenId;
        try (PreparedData data = Plugins.dataWorker().prepare(asTraining, ModelFolders.resolve(config.model()))) {
            examples = data.train().sequences(); // the chat model below brings its own tokenizer: free the worker's now
            padTokenId = data.padTokenId();
        }
        try (DjlChatModel loaded = DjlChatModel.create(config)) {
            PerplexityEvaluator evaluator = new PerplexityEvaluator(loaded.model(), padTokenId);
            PerplexityResult result =
                    evaluator.evaluate(examples, config.training().perDeviceEvalBatchSize());
            LOG.info(
                    "perplexity of {} on {}: {}",
                    config.model().modelNameOrPath(),
                    config.data().dataset(),
                    result);
            return result;
        }
    }

    /**
     * @param examples encoded sequences with labels
     * @param batchSize sequences per forward
     * @return the perplexity
     * @throws DatasetException when no example has a label token
     */
    public PerplexityResult evaluate(List<EncodedSequence> examples, int batchSize) {
        Objects.requireNonNull(examples, "examples");
        if (batchSize < 1) {
            throw new InvalidConfigException("per_device_eval_batch_size: must be >= 1, got " + batchSize);
        }
        double[] nllSum = new double[examples.size()];
        long[] count = new long[examples.size()];
        boolean gradMode = DjlEngine.isGradMode();
        boolean training = model.isTraining();
        DjlEngine.setGradMode(false);
        model.setTraining(false);
        try {
            for (int from = 0; from < examples.size(); from += batchSize) {
                List<EncodedSequence> rows = examples.subList(from, Math.min(examples.size(), from + batchSize));
                try (NDManager step = model.manager().newSubManager()) {
                    BatchTensors bt = BatchTensors.of(collator.collate(rows), step);
                    NDArray hidden = model.hiddenStates(bt.input());
                    CausalLmLoss.Result r = CausalLmLoss.compute(
                            hidden, model.lmHeadWeight(step), bt.labels(), CausalLmLoss.Options.defaults());
                    float[] nll = r.tokenNll();
                    int[] targetRows = r.targetRows();
                    for (int k = 0; k < nll.length; k++) {
                        nllSum[from + targetRows[k]] += nll[k];
                        count[from + targetRows[k]]++;
                    }
                }
            }
        } finally {
            model.setTraining(training);
            DjlEngine.setGradMode(gradMode);
        }
        double total = 0;
        long tokens = 0;
        double[] perExample = new double[examples.size()];
        double pplSum = 0;
        int scored = 0;
        for (int i = 0; i < examples.size(); i++) {
            total += nllSum[i];
            tokens += count[i];
            if (count[i] == 0) {
                perExample[i] = Double.NaN;
            } else {
                perExample[i] = Math.exp(nllSum[i] / count[i]);
                pplSum += perExample[i];
                scored++;
            }
        }
        if (tokens == 0) {
            throw new DatasetException("perplexity: none of the " + examples.size() + " sequences has a label token");
        }
        double mean = total / tokens;
        return new PerplexityResult(mean, Math.exp(mean), tokens, perExample, pplSum / scored);
    }
}
