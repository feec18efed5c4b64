package ai.llamafactory.core.predict;

import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.data.EncodedPrompt;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSplit;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.core.chat.DjlChatModel;
import ai.llamafactory.core.chat.GenerationSettings;
import ai.llamafactory.core.generate.GenerationConfig;
import ai.llamafactory.core.generate.GenerationOutput;
import ai.llamafactory.core.generate.GenerationRequest;
import ai.llamafactory.core.generate.Generator;
import ai.llamafactory.core.loader.ModelFolders;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.train.output.MetricsSplit;
import ai.llamafactory.core.train.output.ResultsWriter;
import ai.llamafactory.data.metrics.GeneratedPrediction;
import ai.llamafactory.data.metrics.GeneratedPredictionsWriter;
import ai.llamafactory.data.metrics.SimilarityMetrics;
import ai.llamafactory.data.tokenizer.SpecialTokens.TokenAndId;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLaMA-Factory's {@code do_predict} with {@code predict_with_generate} for stage {@code sft}: generates an answer
 * for every prompt of the evaluation datasets in left-padded batches of {@code per_device_eval_batch_size}, with the
 * generating arguments, stopping on the tokenizer's eos and additional special tokens (LLaMA-Factory's
 * {@code eos_token_id = [eos] + additional_special_tokens_ids}, which include the template's stop words), and
 * writes, in {@code output_dir}:
 * <ul>
 *   <li>{@code generated_predictions.jsonl}: one {@code {"prompt", "predict", "label"}} line per prompt, the prompt
 *       decoded with its special tokens, the prediction and the label with {@code skip_special_tokens} as
 *       configured (default true);</li>
 *   <li>{@code predict_results.json} (and {@code all_results.json}, merged): {@code predict_bleu-4},
 *       {@code predict_rouge-1/2/l} (on texts decoded without special tokens) and the speed metrics.</li>
 * </ul>
 *
 * <pre>{@code
 * PredictionResult r = Predictor.run(FineTuneConfig.fromYaml(Path.of("llama3_lora_predict.yaml")));
 * System.out.println(r.metric("predict_bleu-4"));
 * }</pre>
 *
 * <p>A predictor holds no state between calls; it is not meant to be shared by threads that generate at once.
 */
public final class Predictor {
    private static final Logger LOG = LoggerFactory.getLogger(Predictor.class);

    private final CausalLm model;
    private final Tokenizer tokenizer;
    private final GeneratingArguments generating;
    private final int batchSize;
    private final List<Integer> stopTokenIds;

    /**
     * @param model the model to generate with
     * @param tokenizer the tokenizer with the template's special-token fixes (its eos and additional special tokens
     *     end generation)
     * @param generating the generating arguments
     * @param batchSize prompts per batch ({@code per_device_eval_batch_size})
     * @throws InvalidConfigException when the batch size is not positive or beam search is asked for
     */
    public Predictor(CausalLm model, Tokenizer tokenizer, GeneratingArguments generating, int batchSize) {
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.generating = Objects.requireNonNull(generating, "generating");
        if (batchSize < 1) {
            throw new InvalidConfigException("per_device_eval_batch_size: must be >= 1, got " + batchSize);
        }
        if (generating.numBeams() > 1) {
            throw new InvalidConfigException("num_beams: beam search is not supported by this library's generator,"
                    + " got num_beams " + generating.numBeams() + "; set num_beams: 1");
        }
        this.batchSize = batchSize;
        Set<Integer> stops = new LinkedHashSet<>();
        tokenizer.specialTokens().eosId().ifPresent(stops::add);
        for (TokenAndId t : tokenizer.specialTokens().additional()) {
            stops.add(t.id());
        }
        if (stops.isEmpty()) {
            stops.addAll(model.config().eosTokenIds());
        }
        this.stopTokenIds = List.copyOf(stops);
    }

    /** @return the ids generation stops on */
    public List<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    /**
     * Runs the prediction a configuration describes: loads the model (and its adapters), prepares the evaluation
     * datasets as prompts with the data worker, predicts and writes the files into {@code output_dir}.
     *
     * @param config a configuration with {@code stage: sft}, {@code do_predict: true} and
     *     {@code predict_with_generate: true}
     * @param cancellation checked between tokens
     * @return the metrics and files
     * @throws InvalidConfigException when the configuration does not ask for generated predictions
     * @throws DatasetException when the evaluation datasets yield no prompt
     * @throws ChatCancelledException when cancelled
     */
    public static PredictionResult run(FineTuneConfig config, CancellationToken cancellation) {
        if (config.stage() != Stage.SFT
                || !config.training().doPredict()
                || !config.training().predictWithGenerate()) {
            throw new InvalidConfigException("do_predict: generated predictions need stage sft with do_predict: true"
                    + " and predict_with_generate: true, got stage "
                    + config.stage().key() + ", do_predict "
                    + config.training().doPredict() + ", predict_with_generate "
                    + config.training().predictWithGenerate());
        }
        List<EncodedPrompt> prompts;
        try (PreparedData data = Plugins.dataWorker().prepare(config, ModelFolders.resolve(config.model()))) {
            prompts = prompts(data); // the chat model below brings its own tokenizer: free the worker's now
        }
        if (prompts.isEmpty()) {
            throw new DatasetException("eval_dataset " + config.data().evalDataset() + ": no prompt is left to predict"
                    + " after encoding with cutoff_len " + config.data().cutoffLen());
        }
        try (DjlChatModel loaded = DjlChatModel.create(config)) {
            Predictor predictor = new Predictor(
                    loaded.model(),
                    loaded.tokenizer(),
                    config.generating(),
                    config.training().perDeviceEvalBatchSize());
            return predictor.predict(prompts, config.training().outputDir(), cancellation);
        }
    }

    /**
     * @param config see {@link #run(FineTuneConfig, CancellationToken)}
     * @return the metrics and files
     */
    public static PredictionResult run(FineTuneConfig config) {
        return run(config, CancellationToken.never());
    }

    /**
     * @param data prepared data
     * @return the prompts of every evaluation split, in split order
     */
    public static List<EncodedPrompt> prompts(PreparedData data) {
        List<EncodedPrompt> out = new ArrayList<>();
        for (EncodedSplit split : data.eval().values()) {
            if (split.kind() == EncodedRecord.Kind.PROMPT) {
                out.addAll(split.prompts());
            }
        }
        return out;
    }

    /**
     * Generates for every prompt and writes the prediction files.
     *
     * @param prompts the prompts with their reference answers
     * @param outputDir where the files go (created when missing)
     * @param cancellation checked between tokens
     * @return the metrics and files
     * @throws ChatCancelledException when cancelled (the rows written so far stay in the jsonl file)
     */
    public PredictionResult predict(List<EncodedPrompt> prompts, Path outputDir, CancellationToken cancellation) {
        Objects.requireNonNull(prompts, "prompts");
        Objects.requireNonNull(cancellation, "cancellation");
        long start = System.nanoTime();
        SimilarityMetrics similarity = new SimilarityMetrics();
        boolean skipSpecial = generating.skipSpecialTokens();
        long generated = 0;
        int batches = 0;
        Generator generator = new Generator(model);
        boolean training = model.isTraining();
        model.setTraining(false);
        GeneratedPredictionsWriter writer = GeneratedPredictionsWriter.open(outputDir);
        try {
            for (int from = 0; from < prompts.size(); from += batchSize) {
                List<EncodedPrompt> batch = prompts.subList(from, Math.min(prompts.size(), from + batchSize));
                int longest = 0;
                List<int[]> ids = new ArrayList<>(batch.size());
                for (EncodedPrompt p : batch) {
                    ids.add(p.inputIds());
                    longest = Math.max(longest, p.inputIds().length);
                }
                GenerationConfig config = GenerationSettings.fromArguments(generating, longest, stopTokenIds);
                List<GenerationOutput> outputs = generator.generate(GenerationRequest.builder()
                        .prompts(ids)
                        .config(config)
                        .cancellation(cancellation::isCancelled)
                        .build());
                batches++;
                for (int i = 0; i < batch.size(); i++) {
                    GenerationOutput out = outputs.get(i);
                    if (out.finishReason() == FinishReason.CANCELLED) {
                        throw new ChatCancelledException("prediction cancelled after " + (from + i) + " of "
                                + prompts.size() + " prompts: " + cancellation.reason());
                    }
                    int[] tokens = out.tokens();
                    generated += tokens.length;
                    EncodedPrompt p = batch.get(i);
                    String predict = tokenizer.decode(tokens, skipSpecial);
                    String label = tokenizer.decode(p.referenceIds(), skipSpecial);
                    writer.write(new GeneratedPrediction(tokenizer.decode(p.inputIds(), false), predict, label));
                    similarity.add(
                            skipSpecial ? predict : tokenizer.decode(tokens, true),
                            skipSpecial ? label : tokenizer.decode(p.referenceIds(), true));
                }
                LOG.info("predicted {} / {} prompts", Math.min(prompts.size(), from + batchSize), prompts.size());
            }
        } finally {
            writer.close();
            model.setTraining(training);
        }
        double runtime = (System.nanoTime() - start) / 1e9;
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (similarity.size() > 0) {
            metrics.putAll(similarity.metrics(MetricsSplit.PREDICT.prefix()));
        }
        metrics.putAll(ResultsWriter.speedMetrics(
                MetricsSplit.PREDICT.prefix(), runtime, (long) prompts.size(), (long) batches, null));
        Path results = ResultsWriter.save(outputDir, MetricsSplit.PREDICT, metrics);
        LOG.info("***** predict metrics *****\n{}", format(metrics));
        LOG.info("Saving prediction results to {}", writer.file());
        return new PredictionResult(
                metrics,
                prompts.size(),
                generated,
                List.of(writer.file(), results, outputDir.resolve(ResultsWriter.ALL_RESULTS)));
    }

    private static String format(Map<String, Object> metrics) {
        StringBuilder sb = new StringBuilder();
        int width = metrics.keySet().stream().mapToInt(String::length).max().orElse(0);
        metrics.forEach((k, v) -> sb.append("  ")
                .append(k)
                .append(" ".repeat(width - k.length()))
                .append(" = ")
                .append(v)
                .append('\n'));
        return sb.toString();
    }
}
