package ai.llamafactory.data.worker;

import ai.llamafactory.api.config.DataArguments;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.data.EncodedFeedback;
import ai.llamafactory.api.data.EncodedPair;
import ai.llamafactory.api.data.EncodedPrompt;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSplit;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.spi.DataWorker;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.dataset.DatasetInfo;
import ai.llamafactory.data.dataset.DatasetLoadOptions;
import ai.llamafactory.data.dataset.DatasetLoadReport;
import ai.llamafactory.data.dataset.DatasetLoader;
import ai.llamafactory.data.dataset.DatasetRegistry;
import ai.llamafactory.data.dataset.DemoDatasets;
import ai.llamafactory.data.dataset.LoadedDatasets;
import ai.llamafactory.data.dataset.RowProblem;
import ai.llamafactory.data.dataset.ValSize;
import ai.llamafactory.data.encode.DroppedExample;
import ai.llamafactory.data.encode.EncodedDataset;
import ai.llamafactory.data.encode.EncodingOptions;
import ai.llamafactory.data.encode.FeedbackEncoder;
import ai.llamafactory.data.encode.KtoExample;
import ai.llamafactory.data.encode.PairwiseEncoder;
import ai.llamafactory.data.encode.PairwiseExample;
import ai.llamafactory.data.encode.PretrainEncoder;
import ai.llamafactory.data.encode.PromptExample;
import ai.llamafactory.data.encode.SupervisedEncoder;
import ai.llamafactory.data.encode.UnsupervisedEncoder;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.TemplateAudit;
import ai.llamafactory.data.template.TemplateAuditReport;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.template.ToolFormat;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import ai.llamafactory.data.tokenizer.VocabularyCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link DataWorker}: LLaMA-Factory's data pipeline ({@code get_template_and_fix_tokenizer} then
 * {@code get_dataset}) with an on-disk cache of the encoded result. Registered with {@link java.util.ServiceLoader}.
 *
 * <ol>
 *   <li>Tokenizer from the model folder; template from {@code template} (derived from the tokenizer's Jinja
 *       {@code chat_template} when unset), with {@code tool_format}, {@code default_system}, {@code enable_thinking}
 *       and {@code preserve_thinking} applied; special tokens fixed as the template asks.</li>
 *   <li>When the run trains: the {@link TemplateAudit}, logged; in strict mode a mismatch or a stop token that is never
 *       learned is an {@link InvalidConfigException}.</li>
 *   <li>{@code tokenized_path} holding a saved dataset: loaded instead of encoding (its other data arguments are then
 *       ignored, as LLaMA-Factory; a warning lists the inputs that differ).</li>
 *   <li>The automatic cache: an entry keyed by the {@link Fingerprint} of every input (data files, tokenizer files,
 *       template, {@code cutoff_len}, packing, sampling, split, seed ...) is loaded instead of encoding;
 *       {@code overwrite_cache} rebuilds it; a corrupt entry is rebuilt with a warning.</li>
 *   <li>Otherwise: datasets by name from {@code dataset_dir} (the bundled {@link DemoDatasets} when the default
 *       {@code data} folder has no {@code dataset_info.json}) with {@code mix_strategy}, {@code max_samples},
 *       {@code val_size} or {@code eval_dataset} and the seed; checked against the tokenizer's vocabulary
 *       ({@link VocabularyCheck}: a dataset the vocabulary cannot represent is refused); encoded for the stage on
 *       {@code preprocessing_num_workers} threads (default: the available processors); saved to the cache and to
 *       {@code tokenized_path}. Unlike LLaMA-Factory, saving to {@code tokenized_path} does not end the process.</li>
 * </ol>
 *
 * <table>
 * <caption>Encoder per stage</caption>
 * <tr><th>stage</th><th>training split</th><th>evaluation splits</th></tr>
 * <tr><td>pt</td><td colspan="2">text blocks ({@link PretrainEncoder})</td></tr>
 * <tr><td>sft</td><td>supervised, packed with packing / neat_packing ({@link SupervisedEncoder})</td>
 *     <td>the same, or prompts ({@link UnsupervisedEncoder}) with {@code predict_with_generate}</td></tr>
 * <tr><td>rm, dpo</td><td colspan="2">preference pairs ({@link PairwiseEncoder})</td></tr>
 * <tr><td>kto</td><td colspan="2">feedback examples ({@link FeedbackEncoder}, KL answers rotated within each
 *     {@code preprocessing_batch_size} batch)</td></tr>
 * <tr><td>ppo</td><td colspan="2">prompts ({@link UnsupervisedEncoder})</td></tr>
 * </table>
 *
 * <p>The training split is encoded unless the run only evaluates or predicts ({@code do_train} false with
 * {@code do_eval} or {@code do_predict}). Streaming ({@code streaming: true}) is refused: the worker prepares data in
 * memory. Thread-safe: one instance may prepare several runs at once.
 *
 * <pre>{@code
 * DefaultDataWorker worker = DefaultDataWorker.builder().cacheRoot(Path.of("cache")).build();
 * PreparedData data = worker.prepare(config, modelDir);
 * }</pre>
 */
public final class DefaultDataWorker implements DataWorker {
    /** System property naming the root folder of the automatic cache. */
    public static final String CACHE_DIR_PROPERTY = "llamafactory.cache.dir";
    /** Environment variable naming the root folder of the automatic cache (the system property wins). */
    public static final String CACHE_DIR_ENV = "LLAMAFACTORY_CACHE";
    /** The {@code dataset_dir} default; without a {@code dataset_info.json} there the demo datasets are used. */
    public static final String DEFAULT_DATASET_DIR = "data";

    private static final Logger LOG = LoggerFactory.getLogger(DefaultDataWorker.class);
    private static final int MAX_DROP_MESSAGES = 20;
    private static final int DEFAULT_BATCH_SIZE = 1000;
    private static final String FINGERPRINT_VERSION = "1";

    private final Path cacheRoot;
    private final boolean strict;
    private final int threads;
    private final AtomicInteger encodingRuns = new AtomicInteger();

    /** The worker {@link java.util.ServiceLoader} creates: automatic cache under {@link #defaultCacheRoot()}. */
    public DefaultDataWorker() {
        this(builder());
    }

    private DefaultDataWorker(Builder b) {
        this.cacheRoot = b.cacheRoot;
        this.strict = b.strict;
        this.threads = b.threads;
    }

    /** @return a builder: automatic cache under {@link #defaultCacheRoot()}, not strict, threads from the config */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the root of the automatic cache: {@value #CACHE_DIR_PROPERTY} or {@value #CACHE_DIR_ENV} when set, else
     *     {@code ~/.cache/llamafactory}; entries go to its {@code tokenized} sub-folder
     */
    public static Path defaultCacheRoot() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(CACHE_DIR_ENV);
        }
        Path root = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "llamafactory");
        return root.resolve("tokenized");
    }

    @Override
    public String name() {
        return "default";
    }

    /** @return how many times this worker has run the encoders (a cache or tokenized_path hit does not count) */
    public int encodingRuns() {
        return encodingRuns.get();
    }

    /**
     * LLaMA-Factory's template set-up: the named template (or the one derived from the tokenizer's Jinja template,
     * or {@code empty}) with {@code tool_format}, {@code default_system}, {@code enable_thinking} and
     * {@code preserve_thinking} applied. Use it for inference too, so that generation sees the training template.
     *
     * @param data the data arguments
     * @param tokenizer the model's tokenizer (as loaded)
     * @return the template to encode with; fix the tokenizer with {@link ChatTemplate#fixSpecialTokens}
     * @throws InvalidConfigException for an unknown template or tool format, or {@code train_on_prompt} with an
     *     efficient_eos template
     */
    public static ChatTemplate configureTemplate(DataArguments data, Tokenizer tokenizer) {
        ChatTemplate template = TemplateRegistry.resolve(data.template().orElse(null), tokenizer);
        if (data.trainOnPrompt() && template.efficientEos()) {
            throw new InvalidConfigException("train_on_prompt: template " + template.name()
                    + " (efficient_eos) does not support training on the prompt");
        }
        if (data.toolFormat().isPresent()) {
            template =
                    template.withToolFormat(ToolFormat.fromKey(data.toolFormat().get()));
        }
        if (data.defaultSystem().isPresent()) {
            template = template.withDefaultSystem(data.defaultSystem().get());
        }
        return template.withEnableThinking(data.enableThinking()).withPreserveThinking(data.preserveThinking());
    }

    @Override
    public PreparedData prepare(FineTuneConfig config, Path tokenizerDir) {
        DataArguments data = config.data();
        if (data.streaming()) {
            throw new InvalidConfigException("streaming: true is not supported by the data worker, which prepares "
                    + "datasets in memory; set streaming: false, or read the corpus with DatasetLoader.stream and "
                    + "encode it batch by batch");
        }
        if (data.datasetDir().equals("ONLINE") || data.datasetDir().startsWith("REMOTE:")) {
            throw new InvalidConfigException("dataset_dir: '" + data.datasetDir() + "' reads datasets from a hub, "
                    + "which is not supported offline; download the files and name a folder holding a "
                    + DatasetRegistry.FILE_NAME);
        }
        HfTokenizer tokenizer = HfTokenizer.load(tokenizerDir);
        Tokenizer fixed = null;
        boolean handedOver = false;
        try {
            ChatTemplate template = configureTemplate(data, tokenizer);
            fixed = template.fixSpecialTokens(tokenizer);
            String auditText = "";
            List<String> auditWarnings = List.of();
            if (config.training().doTrain()) {
                TemplateAuditReport audit = TemplateAudit.run(template, tokenizer, strict);
                auditText = audit.render();
                auditWarnings = audit.warnings();
                if (audit.warnings().isEmpty()) {
                    LOG.info("{}", auditText);
                } else {
                    LOG.warn("{}", auditText);
                }
            }
            Plan plan = Plan.of(config);
            DatasetRegistry registry = registry(data);
            Fingerprint fingerprint = fingerprint(config, plan, registry, tokenizerDir, template);
            PreparedData.Builder result = PreparedData.builder(config.stage())
                    .audit(auditText, auditWarnings)
                    .fingerprint(fingerprint.hex())
                    .tokens(
                            fixed.specialTokens()
                                    .padId()
                                    .orElse(fixed.specialTokens().eosId().orElse(0)),
                            template.stopTokenIds(fixed));
            PreparedData prepared = prepareData(config, plan, registry, fingerprint, template, fixed, result);
            LOG.info("Prepared data: {}", prepared.summary());
            // the trainer encodes nothing more but saves and decodes with these: hand them over, with their memory
            PreparedData.Builder withResources = prepared.toBuilder()
                    .resource(Tokenizer.class, fixed)
                    .resource(ChatTemplate.class, template)
                    .owning(tokenizer);
            if (fixed instanceof HfTokenizer added && fixed != tokenizer) {
                withResources.owning(added); // tokens were added: a tokenizer of its own
            }
            PreparedData handed = withResources.build();
            handedOver = true;
            return handed;
        } finally {
            if (!handedOver) {
                if (fixed instanceof HfTokenizer added && fixed != tokenizer) {
                    added.close(); // tokens were added: a tokenizer of its own (closing a view does nothing)
                }
                tokenizer.close();
            }
        }
    }

    private PreparedData prepareData(
            FineTuneConfig config,
            Plan plan,
            DatasetRegistry registry,
            Fingerprint fingerprint,
            ChatTemplate template,
            Tokenizer tokenizer,
            PreparedData.Builder result) {
        DataArguments data = config.data();
        Path tokenized = data.tokenizedPath().orElse(null);
        if (tokenized != null) {
            checkTokenizedPath(tokenized);
            if (!data.overwriteCache() && TokenizedStore.hasManifest(tokenized)) {
                try {
                    TokenizedStore.Stored stored = TokenizedStore.load(tokenized);
                    if (stored.stage() != config.stage()) {
                        throw new InvalidConfigException("tokenized_path " + tokenized.toAbsolutePath()
                                + " holds data encoded for stage "
                                + stored.stage().key() + ", but this run has "
                                + "stage " + config.stage().key() + "; point tokenized_path elsewhere or set "
                                + "overwrite_cache: true to re-encode it");
                    }
                    checkKinds(stored, plan, tokenized);
                    List<String> diff = Fingerprint.differences(stored.inputs(), fingerprint.inputs());
                    if (diff.isEmpty()) {
                        LOG.info("Loaded the tokenized dataset from tokenized_path {}", tokenized.toAbsolutePath());
                    } else {
                        LOG.warn(
                                "Loaded the tokenized dataset from tokenized_path {}; loading from disk ignores the "
                                        + "other data arguments (as LLaMA-Factory). It was encoded from other inputs:\n  {}\n"
                                        + "Set overwrite_cache: true to re-encode it.",
                                tokenized.toAbsolutePath(),
                                String.join("\n  ", diff));
                    }
                    return fromStored(stored, result, PreparedData.Source.TOKENIZED_PATH, tokenized);
                } catch (CorruptCacheException e) {
                    LOG.warn(
                            "tokenized_path {} holds a damaged dataset ({}); encoding again and rewriting it",
                            tokenized.toAbsolutePath(),
                            e.getMessage());
                }
            }
        }
        Path entry =
                cacheRoot == null ? null : cacheRoot.resolve(fingerprint.hex().substring(0, 32));
        if (entry != null && TokenizedStore.hasManifest(entry)) {
            if (data.overwriteCache()) {
                LOG.info("overwrite_cache: re-encoding instead of reading cache entry {}", entry);
            } else {
                try {
                    TokenizedStore.Stored stored = TokenizedStore.load(entry);
                    if (!stored.fingerprint().equals(fingerprint.hex())) {
                        throw new CorruptCacheException(
                                "its fingerprint " + stored.fingerprint() + " differs from the folder name");
                    }
                    LOG.info("Loaded the tokenized dataset from the cache {}", entry);
                    if (tokenized != null) {
                        save(tokenized, stored, true);
                    }
                    return fromStored(stored, result, PreparedData.Source.CACHE, entry);
                } catch (CorruptCacheException e) {
                    LOG.warn("Cache entry {} is damaged ({}); encoding again and rebuilding it", entry, e.getMessage());
                }
            }
        }
        TokenizedStore.Stored stored = encode(config, plan, registry, fingerprint, template, tokenizer);
        Path savedAt = null;
        if (entry != null && save(entry, stored, false)) {
            savedAt = entry;
        }
        if (tokenized != null) {
            save(tokenized, stored, true);
            LOG.info(
                    "Saved the tokenized dataset at {}; runs with tokenized_path: {} load it instead of encoding",
                    tokenized.toAbsolutePath(),
                    tokenized);
            savedAt = tokenized;
        }
        return fromStored(stored, result, PreparedData.Source.ENCODED, savedAt);
    }

    /** A saved sft dataset has supervised evaluation rows; a run with predict_with_generate needs prompts. */
    private static void checkKinds(TokenizedStore.Stored stored, Plan plan, Path tokenized) {
        List<String> wrong = new ArrayList<>();
        if (stored.train() != null
                && !stored.train().isEmpty()
                && stored.train().kind() != plan.trainEncoder.recordKind) {
            wrong.add("train holds " + stored.train().kind().key() + " records, this run needs "
                    + plan.trainEncoder.recordKind.key() + " records");
        }
        stored.eval().forEach((name, split) -> {
            if (!split.isEmpty() && split.kind() != plan.evalEncoder.recordKind) {
                wrong.add(name + " holds " + split.kind().key() + " records, this run needs "
                        + plan.evalEncoder.recordKind.key() + " records (predict_with_generate encodes prompts)");
            }
        });
        if (!wrong.isEmpty()) {
            throw new InvalidConfigException("tokenized_path " + tokenized.toAbsolutePath() + " does not fit this "
                    + "run: " + String.join("; ", wrong) + ". Point tokenized_path elsewhere or set "
                    + "overwrite_cache: true to re-encode it");
        }
    }

    private static void checkTokenizedPath(Path tokenized) {
        try {
            if (Files.exists(tokenized) && !Files.isDirectory(tokenized)) {
                throw new InvalidConfigException(
                        "tokenized_path " + tokenized.toAbsolutePath() + " is a file; it must name a folder");
            }
            if (!TokenizedStore.hasManifest(tokenized) && !TokenizedStore.isAbsentOrEmpty(tokenized)) {
                throw new DatasetException("tokenized_path " + tokenized.toAbsolutePath() + " holds files but no "
                        + TokenizedStore.MANIFEST + ": it is not a tokenized dataset saved by this library (a "
                        + "Hugging Face save_to_disk folder cannot be read); empty it or choose another folder");
            }
        } catch (IOException e) {
            throw new DatasetException(
                    "Cannot read tokenized_path " + tokenized.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Writes a dataset folder; failures of the automatic cache only warn, failures of tokenized_path throw. */
    private static boolean save(Path dir, TokenizedStore.Stored stored, boolean required) {
        try {
            TokenizedStore.save(dir, stored);
            return true;
        } catch (IOException | RuntimeException e) {
            if (required) {
                throw new DatasetException(
                        "Cannot save the tokenized dataset to tokenized_path " + dir.toAbsolutePath() + ": " + e, e);
            }
            LOG.warn("Cannot write the cache entry {} ({}); continuing without it", dir, e.toString());
            return false;
        }
    }

    private static PreparedData fromStored(
            TokenizedStore.Stored stored, PreparedData.Builder result, PreparedData.Source source, Path folder) {
        return result.templateName(stored.templateName())
                .train(stored.train())
                .eval(stored.eval())
                .dropped(stored.droppedRows(), stored.droppedByReason(), stored.dropMessages())
                .loadSummary(stored.loadSummary())
                .source(source, folder)
                .build();
    }

    // ------------------------------------------------------------------ fingerprint

    private static DatasetRegistry registry(DataArguments data) {
        Path dir = Path.of(data.datasetDir());
        if (!Files.isRegularFile(dir.resolve(DatasetRegistry.FILE_NAME))
                && data.datasetDir().equals(DEFAULT_DATASET_DIR)) {
            LOG.info(
                    "No {} in {}: using the bundled demo datasets {}",
                    DatasetRegistry.FILE_NAME,
                    dir.toAbsolutePath(),
                    DemoDatasets.names());
            return DemoDatasets.registry();
        }
        return DatasetRegistry.load(dir);
    }

    private Fingerprint fingerprint(
            FineTuneConfig config, Plan plan, DatasetRegistry registry, Path tokenizerDir, ChatTemplate template) {
        DataArguments data = config.data();
        Fingerprint fp = new Fingerprint()
                .put("fingerprint_version", FINGERPRINT_VERSION)
                .put("stage", config.stage().key())
                .put("train_encoder", plan.encodeTrain ? plan.trainEncoder : "none")
                .put("eval_encoder", plan.evalEncoder)
                .put("dataset", data.dataset())
                .put("eval_dataset", data.evalDataset());
        List<String> names = new ArrayList<>(data.dataset());
        names.addAll(data.evalDataset());
        for (String name : names) {
            DatasetInfo info = registry.get(name); // unknown names fail here, listing the available ones
            fp.put("dataset_info:" + name, info);
            if (info.fileName().isPresent()) {
                fp.putPath(
                        "data:" + name,
                        registry.datasetDir().resolve(info.fileName().get()));
            }
        }
        for (String file : List.of(
                "tokenizer.json",
                "tokenizer_config.json",
                "special_tokens_map.json",
                "chat_template.jinja",
                "added_tokens.json")) {
            Path f = tokenizerDir.resolve(file);
            if (Files.isRegularFile(f)) {
                fp.put("tokenizer:" + file, Fingerprint.describeFile(f));
            }
        }
        return fp.put("template", Fingerprint.describeTemplate(template))
                .put("cutoff_len", data.cutoffLen())
                .put("packing", data.packingEnabled(config.stage()))
                .put("neat_packing", data.neatPacking())
                .put("train_on_prompt", data.trainOnPrompt())
                .put("mask_history", data.maskHistory())
                .put(
                        "max_samples",
                        data.maxSamples().isPresent() ? data.maxSamples().getAsInt() : null)
                .put("val_size", data.valSize())
                .put("mix_strategy", data.mixStrategy().key())
                .put("interleave_probs", data.interleaveProbs())
                .put("eval_on_each_dataset", data.evalOnEachDataset())
                .put("seed", config.training().seed())
                .put("preprocessing_batch_size", plan.batchSize);
    }

    // ------------------------------------------------------------------ encoding

    /** Which encoder each split gets. */
    private enum EncoderKind {
        PRETRAIN(EncodedRecord.Kind.SEQUENCE),
        SUPERVISED(EncodedRecord.Kind.SEQUENCE),
        PAIRWISE(EncodedRecord.Kind.PAIR),
        FEEDBACK(EncodedRecord.Kind.FEEDBACK),
        UNSUPERVISED(EncodedRecord.Kind.PROMPT);

        private final EncodedRecord.Kind recordKind;

        EncoderKind(EncodedRecord.Kind recordKind) {
            this.recordKind = recordKind;
        }

        /** LLaMA-Factory's {@code get_dataset_processor} (DPO passes stage rm). */
        static EncoderKind of(Stage stage, boolean generate) {
            return switch (stage) {
                case PT -> PRETRAIN;
                case SFT -> generate ? UNSUPERVISED : SUPERVISED;
                case RM, DPO -> PAIRWISE;
                case KTO -> FEEDBACK;
                case PPO -> UNSUPERVISED;
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a configuration asks to encode. */
    private static final class Plan {
        final EncoderKind trainEncoder;
        final EncoderKind evalEncoder;
        final boolean encodeTrain;
        final int threads;
        final int batchSize;

        private Plan(
                EncoderKind trainEncoder, EncoderKind evalEncoder, boolean encodeTrain, int threads, int batchSize) {
            this.trainEncoder = trainEncoder;
            this.evalEncoder = evalEncoder;
            this.encodeTrain = encodeTrain;
            this.threads = threads;
            this.batchSize = batchSize;
        }

        static Plan of(FineTuneConfig config) {
            Stage stage = config.stage();
            boolean onlyEvaluates = !config.training().doTrain()
                    && (config.training().doEval() || config.training().doPredict());
            return new Plan(
                    EncoderKind.of(stage, false),
                    EncoderKind.of(stage, config.training().predictWithGenerate()),
                    !onlyEvaluates,
                    intKey(
                            config,
                            "preprocessing_num_workers",
                            Runtime.getRuntime().availableProcessors()),
                    intKey(config, "preprocessing_batch_size", DEFAULT_BATCH_SIZE));
        }

        /** Reads a key that the configuration keeps among its ignored keys. */
        private static int intKey(FineTuneConfig config, String key, int fallback) {
            Object v = config.ignoredKeys().get(key);
            if (v == null) {
                return fallback;
            }
            try {
                int n = v instanceof Number num
                        ? num.intValue()
                        : Integer.parseInt(v.toString().trim());
                if (n < 1) {
                    throw new InvalidConfigException(key + ": must be at least 1, got " + v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(key + ": expected a whole number, got '" + v + "'", e);
            }
        }
    }

    /** Counts dropped rows by reason and keeps the first explanations. */
    private static final class DropTally {
        final Map<String, Long> byReason = new LinkedHashMap<>();
        final List<String> messages = new ArrayList<>();
        final List<String> splitReasons = new ArrayList<>();
        long total;

        void add(String reason, long count) {
            if (count > 0) {
                byReason.merge(reason, count, Long::sum);
                total += count;
            }
        }

        void message(String text) {
            if (messages.size() < MAX_DROP_MESSAGES) {
                messages.add(text);
            }
        }
    }

    private TokenizedStore.Stored encode(
            FineTuneConfig config,
            Plan plan,
            DatasetRegistry registry,
            Fingerprint fingerprint,
            ChatTemplate template,
            Tokenizer tokenizer) {
        DataArguments data = config.data();
        int workers = threads > 0 ? threads : plan.threads;
        DatasetLoadOptions options = DatasetLoadOptions.builder()
                .datasetDir(registry.datasetDir())
                .stage(config.stage())
                .mixStrategy(data.mixStrategy())
                .interleaveProbs(data.interleaveProbs())
                .maxSamples(data.maxSamples().isPresent() ? data.maxSamples().getAsInt() : null)
                .valSize(ValSize.of(data.valSize()))
                .evalDatasets(data.evalDataset())
                .evalOnEachDataset(data.evalOnEachDataset())
                .seed(config.training().seed())
                .strict(strict)
                .build();
        LoadedDatasets loaded = new DatasetLoader(registry).load(data.dataset(), options);
        List<AlignedExample> measured = new ArrayList<>(plan.encodeTrain ? loaded.train() : List.of());
        loaded.eval().values().forEach(measured::addAll);
        VocabularyCheck.check(
                tokenizer, measured, tokenizer instanceof HfTokenizer h ? "tokenizer in " + h.folder() : "tokenizer");
        encodingRuns.incrementAndGet();
        DropTally drops = new DropTally();
        StringBuilder summary = new StringBuilder();
        for (DatasetLoadReport r : loaded.report().datasets()) {
            summary.append(summary.length() == 0 ? "" : "\n").append(r.summary());
            r.dropped().forEach((reason, n) -> drops.add(reason.label(), n));
            for (RowProblem p : r.firstProblems()) {
                drops.message(p.message());
            }
        }
        EncodingOptions encoding = EncodingOptions.from(data);
        long started = System.nanoTime();
        EncodedSplit train = plan.encodeTrain
                ? encodeSplit(
                        PreparedData.TRAIN,
                        loaded.train(),
                        plan.trainEncoder,
                        template,
                        tokenizer,
                        encoding,
                        config.stage(),
                        workers,
                        plan.batchSize,
                        drops)
                : EncodedSplit.empty(PreparedData.TRAIN, plan.trainEncoder.recordKind);
        Map<String, EncodedSplit> eval = new LinkedHashMap<>();
        for (Map.Entry<String, List<AlignedExample>> e : loaded.eval().entrySet()) {
            eval.put(
                    e.getKey(),
                    encodeSplit(
                            e.getKey(),
                            e.getValue(),
                            plan.evalEncoder,
                            template,
                            tokenizer,
                            encoding,
                            config.stage(),
                            workers,
                            plan.batchSize,
                            drops));
        }
        LOG.info(
                "Encoded {} training and {} evaluation records with template {} on {} threads in {} ms",
                train.size(),
                eval.values().stream().mapToInt(EncodedSplit::size).sum(),
                template.name(),
                workers,
                (System.nanoTime() - started) / 1_000_000);
        return new TokenizedStore.Stored(
                config.stage(),
                template.name(),
                fingerprint.hex(),
                fingerprint.inputs(),
                train,
                eval,
                drops.total,
                drops.byReason,
                drops.messages,
                summary.toString());
    }

    private static EncodedSplit encodeSplit(
            String name,
            List<AlignedExample> examples,
            EncoderKind kind,
            ChatTemplate template,
            Tokenizer tokenizer,
            EncodingOptions encoding,
            Stage stage,
            int workers,
            int batchSize,
            DropTally drops) {
        drops.splitReasons.clear();
        EncodedSplit split =
                switch (kind) {
                    case PRETRAIN -> collect(
                            name,
                            kind,
                            examples,
                            new PretrainEncoder(template, tokenizer, encoding).encodeAll(examples, workers),
                            s -> s,
                            drops);
                    case SUPERVISED -> collect(
                            name,
                            kind,
                            examples,
                            new SupervisedEncoder(template, tokenizer, encoding).encodeAll(examples, workers),
                            s -> s,
                            drops);
                    case PAIRWISE -> collect(
                            name,
                            kind,
                            examples,
                            new PairwiseEncoder(template, tokenizer, encoding).encodeAll(examples, workers),
                            DefaultDataWorker::pair,
                            drops);
                    case FEEDBACK -> {
                        FeedbackEncoder encoder = new FeedbackEncoder(template, tokenizer, encoding);
                        List<EncodedRecord> records = new ArrayList<>();
                        for (int from = 0; from < examples.size(); from += batchSize) {
                            List<AlignedExample> batch =
                                    examples.subList(from, Math.min(examples.size(), from + batchSize));
                            records.addAll(collect(
                                            name,
                                            kind,
                                            batch,
                                            encoder.encodeAll(batch, workers),
                                            DefaultDataWorker::feedback,
                                            drops)
                                    .records());
                        }
                        yield new EncodedSplit(name, kind.recordKind, records);
                    }
                    case UNSUPERVISED -> collect(
                            name,
                            kind,
                            examples,
                            new UnsupervisedEncoder(template, tokenizer, encoding).encodeAll(examples, workers),
                            DefaultDataWorker::prompt,
                            drops);
                };
        if (split.isEmpty() && !examples.isEmpty()) {
            String why = kind == EncoderKind.PRETRAIN && encoding.packing(stage)
                    ? "the texts hold fewer tokens than one block of cutoff_len - 1 = "
                            + encoding.effectiveCutoffLen(stage) + "; lower cutoff_len or add text"
                    : "every example was dropped while encoding; first reasons:\n  - "
                            + String.join("\n  - ", drops.splitReasons);
            throw new DatasetException("Cannot find valid samples for the " + name + " split of stage " + stage.key()
                    + " (" + examples.size() + " rows read): " + why);
        }
        return split;
    }

    private static <T> EncodedSplit collect(
            String name,
            EncoderKind kind,
            List<AlignedExample> examples,
            EncodedDataset<T> encoded,
            Function<T, EncodedRecord> convert,
            DropTally drops) {
        for (DroppedExample d : encoded.dropped()) {
            boolean tooLong = d.reason() != null && d.reason().startsWith("Dropped lengthy example");
            drops.add(tooLong ? "too long to pack" : "cannot be encoded", 1);
            String message =
                    "split '" + name + "' " + (d.source().isEmpty() ? "#" + d.index() : d.source()) + ": " + d.reason();
            drops.message(message);
            if (drops.splitReasons.size() < 5) {
                drops.splitReasons.add(message);
            }
        }
        List<EncodedRecord> records = new ArrayList<>(encoded.examples().size());
        for (T t : encoded.examples()) {
            records.add(convert.apply(t));
        }
        return new EncodedSplit(name, kind.recordKind, records);
    }

    private static EncodedRecord pair(PairwiseExample p) {
        return new EncodedPair(p.chosenInputIds(), p.chosenLabels(), p.rejectedInputIds(), p.rejectedLabels());
    }

    private static EncodedRecord feedback(KtoExample k) {
        return new EncodedFeedback(k.inputIds(), k.labels(), k.klInputIds(), k.klLabels(), k.desirable());
    }

    private static EncodedRecord prompt(PromptExample p) {
        return new EncodedPrompt(p.inputIds(), p.referenceIds());
    }

    @Override
    public String toString() {
        return "DefaultDataWorker[cache=" + (cacheRoot == null ? "off" : cacheRoot) + ", strict=" + strict + "]";
    }

    /** Builder for {@link DefaultDataWorker}. */
    public static final class Builder {
        private Path cacheRoot = defaultCacheRoot();
        private boolean strict;
        private int threads;

        private Builder() {}

        /**
         * @param value the folder holding the automatic cache entries (one sub-folder per fingerprint), or null to
         *     switch the automatic cache off ({@code tokenized_path} still works)
         * @return this builder
         */
        public Builder cacheRoot(Path value) {
            this.cacheRoot = value;
            return this;
        }

        /**
         * @param value true to fail on the first malformed row and on a template that fails the audit, instead of
         *     dropping the row or warning
         * @return this builder
         */
        public Builder strict(boolean value) {
            this.strict = value;
            return this;
        }

        /**
         * @param value encoding threads; 0 (the default) takes {@code preprocessing_num_workers} from the
         *     configuration, else the available processors
         * @return this builder
         * @throws InvalidConfigException for a negative value
         */
        public Builder threads(int value) {
            if (value < 0) {
                throw new InvalidConfigException("threads: must be 0 (automatic) or more, got " + value);
            }
            this.threads = value;
            return this;
        }

        /** @return the worker */
        public DefaultDataWorker build() {
            return new DefaultDataWorker(this);
        }
    }
}
