package ai.llamafactory.peft.stress;

import ai.llamafactory.testing.TinyRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The native-memory stress harness: training runs in child JVMs ({@link StressChild}) with the garbage collector
 * forced at every step boundary ({@code llamafactory.debug.native_memory}), optionally a GC storm and glibc's
 * {@code MALLOC_PERTURB_} (freed memory is overwritten, so a read after free returns garbage at once), for stages
 * {@code pt} and {@code sft} with full and LoRA tuning:
 * <ul>
 *   <li>identical runs must give bit-identical step losses and gradient norms, no NaN, and byte-identical weights;</li>
 *   <li>kill trials: a run is killed with SIGKILL at a random moment (during a step, while a checkpoint is being
 *       written, right after a checkpoint appears, or during the final save), then the same command runs again and
 *       resumes; it must exit normally (no JVM crash), and every step it logs, its final weights and its
 *       {@code train_loss} must equal the uninterrupted run's, bit for bit.</li>
 * </ul>
 * {@link #report()} prints, per configuration: trials, kills, JVM crashes, NaN runs, runs whose numbers differ.
 */
final class NativeMemoryStress {
    /** A stage and tuning method. */
    record Config(String stage, String method) {
        @Override
        public String toString() {
            return stage + "/" + method;
        }
    }

    /** The four configurations the harness covers. */
    static final List<Config> CONFIGS = List.of(
            new Config("pt", "full"), new Config("pt", "lora"), new Config("sft", "full"), new Config("sft", "lora"));

    /** When a kill trial kills its run. */
    enum KillMoment {
        /** A random moment after the first step was logged. */
        DURING_STEP,
        /** As soon as a temporary checkpoint folder appears. */
        DURING_CHECKPOINT_WRITE,
        /** As soon as a checkpoint's completion marker appears. */
        AFTER_CHECKPOINT,
        /** After the last step was logged, while the final outputs are written. */
        DURING_FINAL_SAVE
    }

    /** What one configuration's trials found. */
    static final class Tally {
        int identicalRuns;
        int trials;
        int kills;
        int crashes;
        int nanRuns;
        int differing;
        int failedRuns;
        final Map<KillMoment, Integer> byMoment = new TreeMap<>();
        final List<String> problems = new ArrayList<>();
    }

    /** The outcome of one child process. */
    record ChildRun(int exitCode, boolean killed, boolean crashed, String log) {}

    private final Path work;
    private final Path model;
    private final Path data;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final Random random;
    private final Map<Config, Reference> references = new LinkedHashMap<>();
    private final Map<Config, Tally> tallies = new LinkedHashMap<>();
    private int runs;

    /** The uninterrupted run's numbers. */
    private record Reference(Map<Integer, String> steps, String weightsDigest, String trainLoss) {}

    /**
     * @param work a scratch folder
     * @param jvmOptions options of every child JVM (heap, debug switches)
     * @param environment extra environment of every child (MALLOC_PERTURB_ ...)
     * @param seed seed of the kill schedule
     */
    NativeMemoryStress(Path work, List<String> jvmOptions, Map<String, String> environment, long seed) {
        this.work = work;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.environment = Map.copyOf(environment);
        this.random = new Random(seed);
        this.model = TinyRun.model("qwen3", work.resolve("model"));
        this.data = TinyRun.dataset(work.resolve("data"));
        writeTextDataset(data);
        CONFIGS.forEach(c -> tallies.put(c, new Tally()));
    }

    /** @return child options that force a full collection at every step boundary (deterministic) */
    static List<String> forcedGcOptions() {
        return List.of("-Dllamafactory.debug.native_memory=true");
    }

    /**
     * @param millis the storm's interval
     * @return {@link #forcedGcOptions()} plus a collection every {@code millis} ms at arbitrary points of a step
     */
    static List<String> gcStormOptions(long millis) {
        return List.of("-Dllamafactory.debug.native_memory=true", "-Dstress.gc_storm_millis=" + millis);
    }

    /** @return glibc settings that make use-after-free and heap corruption fail at once */
    static Map<String, String> perturbedMalloc() {
        return Map.of("MALLOC_PERTURB_", "165", "MALLOC_CHECK_", "3");
    }

    /**
     * Runs a configuration uninterrupted once (the reference), then {@code repeats} more identical runs.
     *
     * @param config the configuration
     * @param repeats identical runs compared with the reference
     */
    void identicalRuns(Config config, int repeats) {
        Tally t = tallies.get(config);
        if (!reference(config)) {
            return;
        }
        for (int i = 0; i < repeats; i++) {
            Path out = newOutput(config, "repeat");
            ChildRun r = runChild(config, out, null);
            t.identicalRuns++;
            check(config, t, out, r, "identical run " + (i + 1));
        }
    }

    /**
     * Kills a run of a configuration at a random moment, then resumes it with the same command until it completes.
     *
     * @param config the configuration
     */
    void killTrial(Config config) {
        Tally t = tallies.get(config);
        if (!reference(config)) {
            return;
        }
        KillMoment moment = KillMoment.values()[random.nextInt(KillMoment.values().length)];
        Path out = newOutput(config, "kill");
        t.trials++;
        ChildRun first = runChild(config, out, moment);
        if (first.crashed()) {
            t.crashes++;
            t.problems.add(config + " trial " + t.trials + ": JVM crashed before the kill\n" + tail(first.log()));
            return;
        }
        if (first.killed()) {
            t.kills++;
            t.byMoment.merge(moment, 1, Integer::sum);
        }
        ChildRun resumed = runChild(config, out, null);
        check(config, t, out, resumed, "trial " + t.trials + " (killed " + moment + ")");
    }

    /** What a resume with another libtorch thread count gave. */
    record ThreadCountResume(
            int resumedAtStep,
            int stepsCompared,
            int bitIdenticalSteps,
            double maxRelativeLossDiff,
            double maxRelativeGradNormDiff,
            double trainLossRelativeDiff) {}

    /**
     * Runs a configuration with {@code firstThreads} libtorch threads, kills it right after its first checkpoint,
     * and resumes it with {@code resumeThreads}; compares every resumed step with the uninterrupted run (made with
     * {@code firstThreads}).
     *
     * @param config the configuration
     * @param firstThreads threads of the reference and of the killed run
     * @param resumeThreads threads of the resumed run
     * @return the differences
     * @throws IllegalStateException if a run fails or crashes
     */
    ThreadCountResume resumeWithOtherThreadCount(Config config, int firstThreads, int resumeThreads) {
        Path refOut = newOutput(config, "threads" + firstThreads);
        ChildRun ref = runChild(config, refOut, null, Integer.toString(firstThreads));
        Path out = newOutput(config, "threads" + firstThreads + "to" + resumeThreads);
        ChildRun killed = runChild(config, out, KillMoment.AFTER_CHECKPOINT, Integer.toString(firstThreads));
        Map<Integer, String> before = readSteps(stepFile(out));
        ChildRun resumed = runChild(config, out, null, Integer.toString(resumeThreads));
        for (ChildRun r : List.of(ref, resumed)) {
            if (r.exitCode() != 0) {
                throw new IllegalStateException(
                        config + ": a thread-count run failed (exit " + r.exitCode() + ")\n" + tail(r.log()));
            }
        }
        if (!killed.killed()) {
            throw new IllegalStateException(config + ": the run ended before it could be killed");
        }
        Map<Integer, String> expected = readSteps(stepFile(refOut));
        List<Map.Entry<Integer, String>> lines = readStepLines(stepFile(out));
        // The resumed process's lines are those after the killed process's.
        List<Map.Entry<Integer, String>> resumedLines = lines.subList(linesOf(before), lines.size());
        int identical = 0;
        double maxLoss = 0;
        double maxNorm = 0;
        for (Map.Entry<Integer, String> e : resumedLines) {
            String[] got = e.getValue().split("/");
            String[] want = expected.get(e.getKey()).split("/");
            identical += e.getValue().equals(expected.get(e.getKey())) ? 1 : 0;
            maxLoss = Math.max(maxLoss, relDiff(got[0], want[0]));
            maxNorm = Math.max(maxNorm, relDiff(got[1], want[1]));
        }
        double trainLoss = Math.abs(Double.parseDouble(
                                trainLoss(out).split(":")[1].trim())
                        / Double.parseDouble(trainLoss(refOut).split(":")[1].trim())
                - 1);
        return new ThreadCountResume(
                resumedLines.isEmpty() ? -1 : resumedLines.get(0).getKey() - 1,
                resumedLines.size(),
                identical,
                maxLoss,
                maxNorm,
                trainLoss);
    }

    private static int linesOf(Map<Integer, String> killedSteps) {
        return killedSteps.size();
    }

    private static double relDiff(String bitsA, String bitsB) {
        double a = Double.longBitsToDouble(Long.parseLong(bitsA));
        double b = Double.longBitsToDouble(Long.parseLong(bitsB));
        return Math.abs(a - b) / Math.max(Math.abs(b), Double.MIN_NORMAL);
    }

    private void check(Config config, Tally t, Path out, ChildRun run, String what) {
        Reference ref = references.get(config);
        if (run.crashed()) {
            t.crashes++;
            t.problems.add(config + " " + what + ": JVM crashed\n" + tail(run.log()));
            return;
        }
        if (run.exitCode() != 0) {
            t.failedRuns++;
            if (run.log().contains("NaN") || run.log().contains("diverged")) {
                t.nanRuns++;
            }
            t.problems.add(config + " " + what + ": exit " + run.exitCode() + "\n" + tail(run.log()));
            return;
        }
        // Every step any process of the run logged (a killed process's steps too) must equal the reference.
        List<String> diffs = new ArrayList<>();
        Map<Integer, String> last = new TreeMap<>();
        boolean nan = false;
        for (Map.Entry<Integer, String> line : readStepLines(stepFile(out))) {
            nan |= line.getValue().startsWith("NaN");
            if (!line.getValue().equals(ref.steps().get(line.getKey()))) {
                diffs.add("step " + line.getKey() + ": " + line.getValue() + " vs "
                        + ref.steps().get(line.getKey()));
            }
            last.put(line.getKey(), line.getValue());
        }
        if (nan) {
            t.nanRuns++;
        }
        if (!last.keySet().equals(ref.steps().keySet())) {
            diffs.add("steps logged " + last.keySet() + ", expected "
                    + ref.steps().keySet());
        }
        String digest = weightsDigest(out);
        if (!digest.equals(ref.weightsDigest())) {
            diffs.add("final weights differ");
        }
        String loss = trainLoss(out);
        if (!loss.equals(ref.trainLoss())) {
            diffs.add("train_loss " + loss + " vs " + ref.trainLoss());
        }
        if (!diffs.isEmpty()) {
            t.differing++;
            t.problems.add(config + " " + what + ": " + String.join("; ", diffs));
        }
    }

    /** Runs the uninterrupted reference once; false (counted as a failed run) if it failed or crashed. */
    private boolean reference(Config config) {
        if (references.containsKey(config)) {
            return references.get(config) != null;
        }
        Tally t = tallies.get(config);
        Path out = newOutput(config, "reference");
        ChildRun r = runChild(config, out, null);
        Map<Integer, String> steps = readSteps(stepFile(out));
        if (r.exitCode() != 0 || steps.size() != StressChild.STEPS) {
            if (r.crashed()) {
                t.crashes++;
            } else {
                t.failedRuns++;
            }
            if (r.log().contains("NaN") || steps.values().stream().anyMatch(v -> v.startsWith("NaN"))) {
                t.nanRuns++;
            }
            t.problems.add(
                    config + " reference run: exit " + r.exitCode() + ", " + steps.size() + " steps\n" + tail(r.log()));
            references.put(config, null);
            return false;
        }
        references.put(config, new Reference(steps, weightsDigest(out), trainLoss(out)));
        return true;
    }

    private Path newOutput(Config config, String kind) {
        return work.resolve(String.format(Locale.ROOT, "%s-%s-%s-%03d", config.stage(), config.method(), kind, ++runs));
    }

    private static Path stepFile(Path out) {
        return out.resolveSibling(out.getFileName() + ".steps.tsv");
    }

    private ChildRun runChild(Config config, Path out, KillMoment kill) {
        return runChild(config, out, kill, System.getProperty("ai.djl.pytorch.num_threads"));
    }

    private ChildRun runChild(Config config, Path out, KillMoment kill, String threads) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-XX:ErrorFile=" + out.resolveSibling(out.getFileName() + ".hs_err_%p.log"));
        if (threads != null) {
            cmd.add("-Dai.djl.pytorch.num_threads=" + threads);
        }
        cmd.addAll(List.of(
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                StressChild.class.getName(),
                config.stage(),
                config.method(),
                model.toString(),
                data.toString(),
                out.toString(),
                stepFile(out).toString()));
        Path log = out.resolveSibling(out.getFileName() + ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(environment);
            Process p = pb.start();
            boolean killed = kill != null && waitAndKill(p, out, kill);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("child did not finish within 10 minutes: " + out);
            }
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            boolean crashed = !killed
                    && (p.exitValue() == 134
                            || p.exitValue() == 139
                            || p.exitValue() == 136
                            || text.contains("A fatal error has been detected by the Java Runtime Environment"));
            return new ChildRun(p.exitValue(), killed, crashed, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the moment, then sends SIGKILL; false if the run ended first. */
    private boolean waitAndKill(Process p, Path out, KillMoment moment) throws InterruptedException {
        Path steps = stepFile(out);
        long extraDelayMillis = random.nextInt(400);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long armedAt = -1;
        while (p.isAlive() && System.nanoTime() < deadline) {
            boolean due =
                    switch (moment) {
                        case DURING_STEP -> {
                            if (armedAt < 0 && lineCount(steps) >= 1) {
                                armedAt = System.nanoTime();
                            }
                            yield armedAt >= 0 && System.nanoTime() - armedAt >= extraDelayMillis * 1_000_000L;
                        }
                        case DURING_CHECKPOINT_WRITE -> hasEntry(out, ".tmp-checkpoint-");
                        case AFTER_CHECKPOINT -> hasCompleteCheckpoint(out);
                        case DURING_FINAL_SAVE -> lineCount(steps) >= StressChild.STEPS;
                    };
            if (due) {
                p.destroyForcibly();
                p.waitFor();
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }

    private static int lineCount(Path file) {
        try {
            return Files.exists(file)
                    ? (int) Files.readAllLines(file).stream()
                            .filter(l -> !l.isBlank())
                            .count()
                    : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean hasEntry(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasCompleteCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("checkpoint-")
                    && Files.exists(p.resolve("checkpoint_complete.json")));
        } catch (IOException e) {
            return false;
        }
    }

    /** Every line of a step file as step and "loss bits/grad-norm bits" ("NaN(...)" when not finite). */
    private static List<Map.Entry<Integer, String>> readStepLines(Path file) {
        List<Map.Entry<Integer, String>> lines = new ArrayList<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    String[] p = line.split("\t");
                    if (p.length == 3) {
                        double loss = Double.longBitsToDouble(Long.parseLong(p[1]));
                        double norm = Double.longBitsToDouble(Long.parseLong(p[2]));
                        lines.add(Map.entry(
                                Integer.parseInt(p[0]),
                                (Double.isFinite(loss) && Double.isFinite(norm))
                                        ? p[1] + "/" + p[2]
                                        : "NaN(" + loss + "/" + norm + ")"));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static Map<Integer, String> readSteps(Path file) {
        Map<Integer, String> steps = new TreeMap<>();
        readStepLines(file).forEach(e -> steps.put(e.getKey(), e.getValue()));
        return steps;
    }

    private static String weightsDigest(Path out) {
        Path file = Files.exists(out.resolve("adapter_model.safetensors"))
                ? out.resolve("adapter_model.safetensors")
                : out.resolve("model.safetensors");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "missing " + file.getFileName();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String trainLoss(Path out) {
        try {
            String json = Files.readString(out.resolve("train_results.json"));
            int i = json.indexOf("\"train_loss\":");
            return i < 0 ? "missing" : json.substring(i).split("[,}\n]")[0];
        } catch (IOException e) {
            return "missing train_results.json";
        }
    }

    private static String tail(String log) {
        String[] lines = log.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 15), lines.length));
    }

    private static void writeTextDataset(Path dir) {
        StringBuilder jsonl = new StringBuilder();
        for (String[] row : TinyRun.ROWS) {
            jsonl.append("{\"text\": \"")
                    .append(row[0])
                    .append(' ')
                    .append(row[1])
                    .append("\"}\n");
        }
        try {
            Files.writeString(dir.resolve("tiny_text.jsonl"), jsonl);
            Files.writeString(
                    dir.resolve("dataset_info.json"),
                    "{\"tiny\": {\"file_name\": \"tiny.json\"}, "
                            + "\"tiny_text\": {\"file_name\": \"tiny_text.jsonl\", \"columns\": {\"prompt\": \"text\"}}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return per configuration, what the trials found */
    Map<Config, Tally> tallies() {
        return tallies;
    }

    /** @return the figures as a table, with every problem below it */
    String report() {
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "%-9s %9s %7s %6s %8s %5s %9s %7s  %s%n",
                "config",
                "identical",
                "trials",
                "kills",
                "crashes",
                "NaN",
                "differing",
                "failed",
                "kills by moment"));
        tallies.forEach((c, t) -> b.append(String.format(
                Locale.ROOT,
                "%-9s %9d %7d %6d %8d %5d %9d %7d  %s%n",
                c,
                t.identicalRuns,
                t.trials,
                t.kills,
                t.crashes,
                t.nanRuns,
                t.differing,
                t.failedRuns,
                t.byMoment)));
        tallies.values()
                .forEach(t -> t.problems.forEach(p -> b.append("  ! ").append(p).append('\n')));
        return b.toString();
    }
}
