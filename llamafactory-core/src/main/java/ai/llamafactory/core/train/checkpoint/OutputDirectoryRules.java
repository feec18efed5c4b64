package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before training starts, whether a run starts fresh or resumes, following LLaMA-Factory's parser
 * ({@code hparams/parser.py}) and the Hugging Face Trainer:
 * <ul>
 *   <li>{@code resume_from_checkpoint: <path>}: that folder, which must be a complete checkpoint;</li>
 *   <li>{@code resume_from_checkpoint: true/auto}: the latest complete checkpoint in {@code output_dir}, which must
 *       exist;</li>
 *   <li>not set, {@code overwrite_output_dir: false}: the latest complete checkpoint in {@code output_dir} when there
 *       is one (automatic resume, logged); otherwise {@code output_dir} must be missing or empty, else the run is
 *       refused with an {@link InvalidConfigException} naming the folder and what it holds (LLaMA-Factory only refuses
 *       when weight files are there; refusing any content protects every earlier result);</li>
 *   <li>not set, {@code overwrite_output_dir: true}: a fresh run; existing files are overwritten as they are written
 *       again, earlier {@code trainer_log.jsonl} is restarted.</li>
 * </ul>
 * One exception to the refusal: a run killed before its first checkpoint was complete leaves only its own start
 * ({@value #TRAINING_ARGS}, {@code trainer_log.jsonl}, incomplete checkpoint folders). When the same command runs
 * again (its {@value #TRAINING_ARGS} is byte for byte the one in the folder) it starts afresh, as nothing could be
 * lost.
 * Stale temporary folders of interrupted checkpoint writes are removed first ({@link CheckpointFinder#cleanUpStale}).
 */
public final class OutputDirectoryRules {
    private static final Logger LOG = LoggerFactory.getLogger(OutputDirectoryRules.class);

    /**
     * The decision.
     *
     * @param checkpoint the checkpoint to resume from; empty for a fresh run
     * @param reason a sentence explaining the decision, for the log
     */
    public record ResumePlan(Optional<Checkpoint> checkpoint, String reason) {
        /**
         * Whether the run resumes.
         *
         * @return true if {@link #checkpoint()} is present
         */
        public boolean resumes() {
            return checkpoint.isPresent();
        }
    }

    /** The configuration file a run writes into {@code output_dir} before it trains. */
    public static final String TRAINING_ARGS = "training_args.yaml";

    private static final Set<String> RUN_START_FILES = Set.of(TRAINING_ARGS, "trainer_log.jsonl");

    private OutputDirectoryRules() {}

    /**
     * Applies the rules without knowing the run's configuration (a folder with files and no checkpoint is refused).
     *
     * @param outputDir {@code output_dir}
     * @param overwriteOutputDir {@code overwrite_output_dir}
     * @param resume {@code resume_from_checkpoint}
     * @return the plan
     */
    public static ResumePlan decide(Path outputDir, boolean overwriteOutputDir, ResumeFromCheckpoint resume) {
        return decide(outputDir, overwriteOutputDir, resume, null);
    }

    /**
     * Applies the rules.
     *
     * @param outputDir {@code output_dir}
     * @param overwriteOutputDir {@code overwrite_output_dir}
     * @param resume {@code resume_from_checkpoint}
     * @param trainingArgsYaml the {@value #TRAINING_ARGS} this run will write, or null if unknown
     * @return the plan
     * @throws InvalidConfigException naming the folder if {@code output_dir} holds files but no checkpoint and may not
     *     be overwritten (unless they are only this same run's start), if {@code output_dir} is a file, or if
     *     {@code true/auto} finds no checkpoint or the given path does not exist
     * @throws CheckpointException naming the folder and the reason if the given path is not a complete checkpoint
     */
    public static ResumePlan decide(
            Path outputDir, boolean overwriteOutputDir, ResumeFromCheckpoint resume, String trainingArgsYaml) {
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            throw new InvalidConfigException("output_dir " + outputDir + " exists but is not a folder");
        }
        switch (resume.kind()) {
            case PATH -> {
                Path folder = resume.path().orElseThrow();
                if (!Files.exists(folder)) {
                    throw new InvalidConfigException(
                            "resume_from_checkpoint: checkpoint folder " + folder + " does not exist");
                }
                Checkpoint checkpoint = CheckpointFinder.open(folder);
                return plan(checkpoint, "resume_from_checkpoint is " + folder);
            }
            case LATEST -> {
                CheckpointFinder.cleanUpStale(outputDir);
                Checkpoint checkpoint = CheckpointFinder.latest(outputDir)
                        .orElseThrow(() -> new InvalidConfigException("resume_from_checkpoint is true, but output_dir "
                                + outputDir + " holds no complete checkpoint" + describeIncomplete(outputDir)));
                return plan(checkpoint, "resume_from_checkpoint is true: latest checkpoint in " + outputDir);
            }
            default -> {
                if (!Files.isDirectory(outputDir)) {
                    return fresh("output_dir " + outputDir + " does not exist yet");
                }
                if (overwriteOutputDir) {
                    List<Checkpoint> earlier = CheckpointFinder.completeCheckpoints(outputDir);
                    if (!earlier.isEmpty()) {
                        LOG.warn(
                                "overwrite_output_dir is true: the {} checkpoint(s) already in {} (up to {}) belong to "
                                        + "an earlier run; they are replaced as the same steps are saved again and count "
                                        + "towards save_total_limit",
                                earlier.size(),
                                outputDir,
                                earlier.get(earlier.size() - 1).folder().getFileName());
                    }
                    return fresh("overwrite_output_dir is true: files in " + outputDir + " are overwritten");
                }
                CheckpointFinder.cleanUpStale(outputDir);
                Optional<Checkpoint> latest = CheckpointFinder.latest(outputDir);
                if (latest.isPresent()) {
                    LOG.info(
                            "Resuming training from {}. Change `output_dir` or use `overwrite_output_dir` to avoid.",
                            latest.get().folder());
                    return plan(
                            latest.get(),
                            "output_dir " + outputDir + " holds checkpoints: resuming from the "
                                    + "latest (set overwrite_output_dir to start over)");
                }
                List<String> entries = entries(outputDir);
                if (!entries.isEmpty()
                        && trainingArgsYaml != null
                        && onlyThisRunsStart(outputDir, entries, trainingArgsYaml)) {
                    LOG.warn(
                            "output_dir {} holds only the start of an earlier, interrupted run of this same "
                                    + "configuration ({}) and no complete checkpoint: starting afresh",
                            outputDir,
                            summarize(entries));
                    return fresh("output_dir " + outputDir + " holds only an interrupted start of this run");
                }
                if (!entries.isEmpty()) {
                    throw new InvalidConfigException("output_dir " + outputDir + " already exists and is not empty ("
                            + summarize(entries) + ") and holds no complete checkpoint to resume from"
                            + describeIncomplete(outputDir) + ". Set overwrite_output_dir: true to write over it, or "
                            + "choose another output_dir.");
                }
                return fresh("output_dir " + outputDir + " is empty");
            }
        }
    }

    private static ResumePlan plan(Checkpoint checkpoint, String reason) {
        return new ResumePlan(Optional.of(checkpoint), reason);
    }

    private static ResumePlan fresh(String reason) {
        return new ResumePlan(Optional.empty(), reason);
    }

    private static String describeIncomplete(Path outputDir) {
        List<Path> incomplete = CheckpointFinder.incompleteCheckpoints(outputDir);
        if (incomplete.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        incomplete.forEach(p -> names.add(p.getFileName().toString()));
        return " (incomplete, ignored: " + String.join(", ", names) + ")";
    }

    private static boolean onlyThisRunsStart(Path outputDir, List<String> entries, String trainingArgsYaml) {
        List<Path> incomplete = CheckpointFinder.incompleteCheckpoints(outputDir);
        for (String name : entries) {
            boolean incompleteCheckpoint =
                    incomplete.stream().anyMatch(p -> p.getFileName().toString().equals(name));
            if (!RUN_START_FILES.contains(name) && !incompleteCheckpoint) {
                return false;
            }
        }
        try {
            Path args = outputDir.resolve(TRAINING_ARGS);
            return Files.isRegularFile(args)
                    && Files.readString(args, StandardCharsets.UTF_8).equals(trainingArgsYaml);
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> entries(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list output_dir " + dir + ": " + e.getMessage(), e);
        }
        names.sort(String::compareTo);
        return names;
    }

    private static String summarize(List<String> names) {
        int shown = Math.min(5, names.size());
        String list = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? list + " and " + (names.size() - shown) + " more" : list;
    }
}
