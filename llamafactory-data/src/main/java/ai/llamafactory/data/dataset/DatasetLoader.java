package ai.llamafactory.data.dataset;

import ai.llamafactory.api.config.MixStrategy;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.AlignedExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads datasets by name into {@link AlignedExample}s: reads the files of each {@code dataset_info.json} entry,
 * converts and validates every row, applies {@code num_samples} and {@code max_samples}, mixes the training datasets,
 * and holds out a validation set. Every dropped row is counted in the {@link LoadReport}.
 *
 * <pre>{@code
 * DatasetLoader loader = DatasetLoader.forDirectory(Path.of("data"));
 * LoadedDatasets data = loader.load(List.of("alpaca_en_demo", "identity"),
 *         DatasetLoadOptions.builder().stage(Stage.SFT).valSize(ValSize.of(0.1)).build());
 * System.out.println(data.report().summary());
 * }</pre>
 *
 * <p>Order of operations per dataset, as in LLaMA-Factory: convert and drop invalid rows; {@code num_samples}
 * (seeded draw of that many rows: every row at most once while enough remain, then with replacement);
 * {@code max_samples} (the first rows). Counts refer to valid rows (LLaMA-Factory counts raw rows, some of which it
 * drops later). Then: mix ({@link MixStrategy}), then split ({@code val_size}, seeded) or load the
 * {@code eval_dataset}s.
 */
public final class DatasetLoader {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);
    private static final int REASONS_IN_ERROR = 5;

    private final DatasetRegistry registry;

    /**
     * @param registry the datasets that can be named
     */
    public DatasetLoader(DatasetRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param datasetDir a folder holding {@code dataset_info.json}
     * @return a loader for its datasets
     * @throws DatasetException when {@code dataset_info.json} is missing or malformed
     */
    public static DatasetLoader forDirectory(Path datasetDir) {
        return new DatasetLoader(DatasetRegistry.load(datasetDir));
    }

    /**
     * @param options options whose {@code dataset_dir} picks the registry
     * @return a loader for {@code dataset_dir}, or for the bundled demo datasets when it is not set
     */
    public static DatasetLoader forOptions(DatasetLoadOptions options) {
        return options.datasetDir().map(DatasetLoader::forDirectory).orElseGet(DatasetLoader::demo);
    }

    /** @return a loader for the bundled demo datasets ({@link DemoDatasets}) */
    public static DatasetLoader demo() {
        return new DatasetLoader(DemoDatasets.registry());
    }

    /** @return the registry this loader reads */
    public DatasetRegistry registry() {
        return registry;
    }

    /**
     * Splits a YAML dataset list such as {@code "alpaca_en_demo, identity"}.
     *
     * @param commaList comma-separated names
     * @return the trimmed, non-empty names
     */
    public static List<String> parseNames(String commaList) {
        if (commaList == null) {
            return List.of();
        }
        return Arrays.stream(commaList.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /**
     * Loads, mixes and splits datasets in memory.
     *
     * @param names training dataset names (may be empty when only evaluation datasets are wanted)
     * @param options mixing, sampling, splitting and validation options
     * @return the training and evaluation examples with the report
     * @throws DatasetException for an unknown name, a missing or malformed file, a dataset with no valid row, a
     *     malformed row in strict mode
     * @throws InvalidConfigException for options that do not fit the datasets
     */
    public LoadedDatasets load(List<String> names, DatasetLoadOptions options) {
        if (options.streaming()) {
            throw new InvalidConfigException("streaming: true reads datasets lazily; call stream() instead of load()");
        }
        List<DatasetInfo> infos = resolve(names, options);
        List<DatasetInfo> evalInfos = resolveEval(options);
        List<ReportCounter> counters = new ArrayList<>();
        List<List<AlignedExample>> sets = new ArrayList<>();
        for (DatasetInfo info : infos) {
            ReportCounter counter = new ReportCounter(info.name(), false);
            counters.add(counter);
            sets.add(loadList(info, options, counter));
        }
        List<AlignedExample> train = sets.isEmpty()
                ? List.of()
                : Mixing.mix(sets, options.mixStrategy(), options.interleaveProbs(), options.seed());
        Map<String, List<AlignedExample>> eval = new LinkedHashMap<>();
        if (options.valSize().isSet()) {
            List<AlignedExample> shuffled = new ArrayList<>(train);
            Collections.shuffle(shuffled, new Random(options.seed()));
            int held = options.valSize().heldOut(shuffled.size());
            if (held <= 0 || held >= shuffled.size()) {
                throw new InvalidConfigException("val_size " + options.valSize() + " holds out " + held + " of "
                        + shuffled.size() + " training rows; it must leave at least one row on each side");
            }
            eval.put(LoadedDatasets.VALIDATION, List.copyOf(shuffled.subList(0, held)));
            train = shuffled.subList(held, shuffled.size());
        }
        loadEval(evalInfos, options, counters, eval);
        LoadReport report =
                new LoadReport(counters.stream().map(ReportCounter::snapshot).toList());
        if (report.rowsDropped() > 0) {
            LOG.warn(
                    "Loaded datasets, dropping {} of {} rows (the first problems were logged above; "
                            + "LoadReport.firstProblems() lists them):\n{}",
                    report.rowsDropped(),
                    report.rowsRead(),
                    report.summary());
        } else {
            LOG.info("Loaded datasets:\n{}", report.summary());
        }
        return new LoadedDatasets(train, eval, report);
    }

    /**
     * Opens the training datasets as a stream (nothing is read beyond each dataset's first valid row until asked),
     * for pre-training corpora larger than memory. {@code num_samples} does not apply to streams (as in
     * LLaMA-Factory); {@code max_samples} caps each dataset; a counted {@code val_size} is taken from the head of the
     * stream after the seeded shuffle buffer ({@code buffer_size}; 0 keeps file order). Evaluation datasets are
     * loaded in memory.
     *
     * @param names training dataset names
     * @param options options; {@link DatasetLoadOptions#streaming()} need not be set
     * @return the stream and the evaluation sets
     * @throws DatasetException as for {@link #load}, raised before the first example for a dataset without any
     *     valid row
     */
    public StreamedDatasets stream(List<String> names, DatasetLoadOptions options) {
        if (names.isEmpty()) {
            throw new InvalidConfigException("dataset: name at least one training dataset to stream");
        }
        if (options.valSize().fraction() > 0) {
            throw new InvalidConfigException("val_size " + options.valSize() + ": a streamed dataset has no known "
                    + "length; give a row count (an integer above 1) instead of a fraction");
        }
        List<DatasetInfo> infos = resolve(names, options);
        List<DatasetInfo> evalInfos = resolveEval(options);
        List<ReportCounter> counters = new ArrayList<>();
        List<AutoCloseable> open = Collections.synchronizedList(new ArrayList<>());
        List<Supplier<Iterator<AlignedExample>>> sources = new ArrayList<>();
        Stage stage = options.stage().orElse(null);
        try {
            for (DatasetInfo info : infos) {
                if (info.numSamples().isPresent()) {
                    LOG.warn(
                            "Dataset '{}': num_samples {} is ignored when streaming",
                            info.name(),
                            info.numSamples().getAsInt());
                }
                DatasetFiles files = DatasetFiles.resolve(info, registry.datasetDir());
                ReportCounter counter = new ReportCounter(info.name(), false);
                counters.add(counter);
                DatasetPipeline first = new DatasetPipeline(info, files, stage, options.strict(), counter, true);
                open.add(first);
                if (!first.hasNext()) {
                    throw noValidRows(info, counter.snapshot(), stage);
                }
                sources.add(new Supplier<>() {
                    private boolean firstUsed;

                    @Override
                    public Iterator<AlignedExample> get() {
                        Iterator<AlignedExample> it;
                        if (!firstUsed) {
                            firstUsed = true;
                            it = first;
                        } else {
                            DatasetPipeline again =
                                    new DatasetPipeline(info, files, stage, options.strict(), counter, false);
                            open.add(again);
                            it = again;
                        }
                        return counting(limit(it, options.maxSamples().orElse(Integer.MAX_VALUE)), counter);
                    }
                });
            }
        } catch (RuntimeException e) {
            closeAll(open);
            throw e;
        }
        Iterator<AlignedExample> merged = sources.size() == 1 || options.mixStrategy() == MixStrategy.CONCAT
                ? concat(sources)
                : new Mixing.Interleaver(sources, options.mixStrategy(), options.interleaveProbs(), options.seed());
        if (options.bufferSize() > 0) {
            merged = new Mixing.ShuffleBuffer(merged, options.bufferSize(), options.seed());
        }
        Map<String, List<AlignedExample>> eval = new LinkedHashMap<>();
        if (options.valSize().count() > 0) {
            List<AlignedExample> held = new ArrayList<>();
            while (held.size() < options.valSize().count() && merged.hasNext()) {
                held.add(merged.next());
            }
            if (!merged.hasNext()) {
                closeAll(open);
                throw new InvalidConfigException("val_size " + options.valSize() + " takes every streamed row ("
                        + held.size() + "); nothing is left to train on");
            }
            eval.put(LoadedDatasets.VALIDATION, List.copyOf(held));
        }
        loadEval(evalInfos, options, counters, eval);
        List<ReportCounter> all = List.copyOf(counters);
        ExampleStream stream = new ExampleStream(
                merged,
                open,
                () -> new LoadReport(all.stream().map(ReportCounter::snapshot).toList()));
        return new StreamedDatasets(stream, eval);
    }

    private List<DatasetInfo> resolve(List<String> names, DatasetLoadOptions options) {
        if (names.isEmpty() && options.evalDatasets().isEmpty()) {
            throw new InvalidConfigException("dataset: name at least one dataset; available in " + registry.origin()
                    + ": " + String.join(", ", registry.names()));
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new InvalidConfigException("dataset: '" + n + "' is listed twice in " + names);
            }
        }
        if (options.mixStrategy() != MixStrategy.CONCAT
                || !options.interleaveProbs().isEmpty()) {
            Mixing.checkProbabilities(options.mixStrategy(), options.interleaveProbs(), names);
        }
        List<DatasetInfo> infos = names.stream().map(registry::get).toList();
        infos.forEach(i -> checkStage(i, options.stage().orElse(null)));
        return infos;
    }

    private List<DatasetInfo> resolveEval(DatasetLoadOptions options) {
        List<DatasetInfo> infos =
                options.evalDatasets().stream().map(registry::get).toList();
        infos.forEach(i -> checkStage(i, options.stage().orElse(null)));
        return infos;
    }

    private void loadEval(
            List<DatasetInfo> evalInfos,
            DatasetLoadOptions options,
            List<ReportCounter> counters,
            Map<String, List<AlignedExample>> eval) {
        if (evalInfos.isEmpty()) {
            return;
        }
        List<AlignedExample> merged = new ArrayList<>();
        for (DatasetInfo info : evalInfos) {
            ReportCounter counter = new ReportCounter(info.name(), true);
            counters.add(counter);
            List<AlignedExample> list = loadList(info, options, counter);
            if (options.evalOnEachDataset()) {
                eval.put(LoadedDatasets.VALIDATION + "_" + info.name(), list);
            } else {
                merged.addAll(list);
            }
        }
        if (!options.evalOnEachDataset()) {
            eval.put(LoadedDatasets.VALIDATION, List.copyOf(merged));
        }
    }

    /** A dataset whose columns the stage cannot use is a configuration error (exit code 2), found before reading. */
    private static void checkStage(DatasetInfo info, Stage stage) {
        if (stage == null || stage == Stage.PPO && !info.ranking()) {
            return;
        }
        boolean pairwise = stage == Stage.RM || stage == Stage.DPO;
        if (pairwise != info.ranking()) {
            throw new InvalidConfigException("Dataset " + info.describe() + " does not suit stage " + stage.key() + ": "
                    + (pairwise
                            ? "stages rm and dpo need a ranking dataset (\"ranking\": true with chosen and "
                                    + "rejected answers)"
                            : "a ranking dataset only suits stages rm and dpo"));
        }
    }

    private List<AlignedExample> loadList(DatasetInfo info, DatasetLoadOptions options, ReportCounter counter) {
        DatasetFiles files = DatasetFiles.resolve(info, registry.datasetDir());
        Stage stage = options.stage().orElse(null);
        boolean sampling = info.numSamples().isPresent();
        int max = options.maxSamples().orElse(Integer.MAX_VALUE);
        List<AlignedExample> kept = new ArrayList<>();
        try (DatasetPipeline pipeline = new DatasetPipeline(info, files, stage, options.strict(), counter, true)) {
            while ((sampling || kept.size() < max) && pipeline.hasNext()) {
                kept.add(pipeline.next());
            }
            pipeline.checkDeclaredColumnsSoFar();
        }
        if (kept.isEmpty()) {
            throw noValidRows(info, counter.snapshot(), stage);
        }
        if (sampling) {
            kept = sample(kept, info.numSamples().getAsInt(), options.seed(), info.name());
            LOG.info("Sampled {} examples from dataset '{}'", kept.size(), info.name());
        }
        if (kept.size() > max) {
            kept = kept.subList(0, max);
        }
        counter.used(kept.size());
        return List.copyOf(kept);
    }

    /**
     * Draws {@code target} rows: a seeded permutation while rows remain, then uniform draws with replacement (as
     * LLaMA-Factory's {@code num_samples}).
     */
    static List<AlignedExample> sample(List<AlignedExample> rows, int target, long seed, String name) {
        Random random = new Random(seed * 31 + name.hashCode());
        List<Integer> order = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<AlignedExample> out = new ArrayList<>(target);
        for (int i = 0; i < Math.min(target, rows.size()); i++) {
            out.add(rows.get(order.get(i)));
        }
        while (out.size() < target) {
            out.add(rows.get(random.nextInt(rows.size())));
        }
        return out;
    }

    private static DatasetException noValidRows(DatasetInfo info, DatasetLoadReport r, Stage stage) {
        String reasons = r.dropped().entrySet().stream()
                .sorted(Map.Entry.<DropReason, Long>comparingByValue().reversed())
                .map(e -> e.getValue() + " " + e.getKey().label())
                .collect(Collectors.joining(", "));
        String first = r.firstProblems().stream()
                .limit(REASONS_IN_ERROR)
                .map(p -> "\n  - " + p.message())
                .collect(Collectors.joining());
        return new DatasetException("Cannot find valid samples in dataset " + info.describe()
                + (stage == null ? "" : " for stage " + stage.key()) + ": read " + r.rowsRead() + " rows from "
                + r.files()
                + (r.rowsRead() == 0
                        ? " (the files hold no rows)"
                        : ", dropped " + r.rowsDropped() + " (" + reasons + ")")
                + ". Expected " + FormatHint.expected(info, stage)
                + (first.isEmpty() ? "" : ". First problems:" + first));
    }

    private static Iterator<AlignedExample> limit(Iterator<AlignedExample> it, int max) {
        return new Iterator<>() {
            private int taken;

            @Override
            public boolean hasNext() {
                return taken < max && it.hasNext();
            }

            @Override
            public AlignedExample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                taken++;
                return it.next();
            }
        };
    }

    private static Iterator<AlignedExample> counting(Iterator<AlignedExample> it, ReportCounter counter) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public AlignedExample next() {
                AlignedExample e = it.next();
                counter.used(1);
                return e;
            }
        };
    }

    private static Iterator<AlignedExample> concat(List<Supplier<Iterator<AlignedExample>>> sources) {
        return new Iterator<>() {
            private int index;
            private Iterator<AlignedExample> current;

            @Override
            public boolean hasNext() {
                while (current == null || !current.hasNext()) {
                    if (index >= sources.size()) {
                        return false;
                    }
                    current = sources.get(index++).get();
                }
                return true;
            }

            @Override
            public AlignedExample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    private static void closeAll(List<AutoCloseable> open) {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // read-only files
            }
        }
    }
}
