package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code resume_from_checkpoint} option: not set (LLaMA-Factory then resumes automatically from the latest
 * checkpoint in {@code output_dir} unless {@code overwrite_output_dir} is set), {@code true}/{@code auto} (the latest
 * checkpoint in {@code output_dir}, which must exist), or a checkpoint folder.
 */
public final class ResumeFromCheckpoint {
    /** The three forms of the option. */
    public enum Kind {
        /** Not set ({@code null}, {@code false}). */
        NOT_SET,
        /** {@code true} or {@code auto}: the latest checkpoint in {@code output_dir}. */
        LATEST,
        /** A checkpoint folder. */
        PATH
    }

    private static final ResumeFromCheckpoint NOT_SET = new ResumeFromCheckpoint(Kind.NOT_SET, null);
    private static final ResumeFromCheckpoint LATEST = new ResumeFromCheckpoint(Kind.LATEST, null);

    private final Kind kind;
    private final Path path;

    private ResumeFromCheckpoint(Kind kind, Path path) {
        this.kind = kind;
        this.path = path;
    }

    /**
     * The option left unset.
     *
     * @return the value
     */
    public static ResumeFromCheckpoint notSet() {
        return NOT_SET;
    }

    /**
     * Resume from the latest checkpoint in {@code output_dir}.
     *
     * @return the value
     */
    public static ResumeFromCheckpoint latest() {
        return LATEST;
    }

    /**
     * Resume from a given checkpoint folder.
     *
     * @param checkpoint the folder
     * @return the value
     */
    public static ResumeFromCheckpoint path(Path checkpoint) {
        return new ResumeFromCheckpoint(Kind.PATH, Objects.requireNonNull(checkpoint, "checkpoint"));
    }

    /**
     * Reads the option's YAML/JSON value: {@code null}, {@code false} or an empty string mean not set;
     * {@code true}, {@code "true"}, {@code "auto"} or {@code "latest"} mean the latest checkpoint; any other string
     * is a path.
     *
     * @param value the value as parsed from YAML, JSON or a {@code key=value} override
     * @return the option
     * @throws InvalidConfigException naming {@code resume_from_checkpoint} and the value if it has another type
     */
    public static ResumeFromCheckpoint parse(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return NOT_SET;
        }
        if (Boolean.TRUE.equals(value)) {
            return LATEST;
        }
        if (value instanceof Path p) {
            return path(p);
        }
        if (value instanceof String s) {
            String t = s.trim();
            switch (t.toLowerCase(Locale.ROOT)) {
                case "", "null", "none", "false" -> {
                    return NOT_SET;
                }
                case "true", "auto", "latest" -> {
                    return LATEST;
                }
                default -> {
                    try {
                        return path(Paths.get(t));
                    } catch (InvalidPathException e) {
                        throw new InvalidConfigException(
                                "resume_from_checkpoint: \"" + s + "\" is not a valid path: " + e.getMessage(), e);
                    }
                }
            }
        }
        throw new InvalidConfigException("resume_from_checkpoint must be a checkpoint path, true or auto, got "
                + value.getClass().getSimpleName() + " " + value);
    }

    /**
     * The form of the option.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The checkpoint folder, for {@link Kind#PATH}.
     *
     * @return the folder
     */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResumeFromCheckpoint other && kind == other.kind && Objects.equals(path, other.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, path);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NOT_SET -> "resume_from_checkpoint: null";
            case LATEST -> "resume_from_checkpoint: true";
            case PATH -> "resume_from_checkpoint: " + path;
        };
    }
}
