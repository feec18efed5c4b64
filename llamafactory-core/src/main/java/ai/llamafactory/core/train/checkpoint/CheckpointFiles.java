package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.core.train.output.TrainerState;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The temporary folder a {@link CheckpointContent} writes into, with helpers for the files every checkpoint holds.
 * Files may be written by any means (e.g. the safetensors writer) at {@link #path(String)}; the
 * {@link CheckpointWriter} syncs them all before the folder is renamed. Plain writes are enough here: the whole folder
 * becomes visible atomically.
 */
public final class CheckpointFiles {
    private final Path folder;
    private final int step;

    CheckpointFiles(Path folder, int step) {
        this.folder = folder;
        this.step = step;
    }

    /**
     * The temporary folder (a hidden sibling of the final {@code checkpoint-<step>}).
     *
     * @return the folder
     */
    public Path folder() {
        return folder;
    }

    /**
     * The global step of the checkpoint being written.
     *
     * @return the step
     */
    public int step() {
        return step;
    }

    /**
     * The path of a file in the checkpoint; parent folders are created.
     *
     * @param relativeName e.g. {@code adapter_model.safetensors}, or {@code tokenizer/tokenizer.json}
     * @return the path inside the temporary folder
     * @throws IOException if the parent folders cannot be created
     * @throws IllegalArgumentException if the name is absolute, leaves the folder, or is the completion marker
     */
    public Path path(String relativeName) throws IOException {
        Path relative = folder.getFileSystem().getPath(relativeName).normalize();
        if (relativeName.isBlank() || relative.isAbsolute() || relative.startsWith("..")) {
            throw new IllegalArgumentException("checkpoint file name must be relative and stay inside the "
                    + "checkpoint, got \"" + relativeName + "\"");
        }
        if (relative.toString().equals(CheckpointLayout.COMPLETION_MARKER)) {
            throw new IllegalArgumentException(
                    CheckpointLayout.COMPLETION_MARKER + " is written by the " + "CheckpointWriter itself, last");
        }
        Path target = folder.resolve(relative);
        Files.createDirectories(target.getParent());
        return target;
    }

    /**
     * Writes bytes to a file.
     *
     * @param relativeName the file name
     * @param bytes the content
     * @return the path written
     * @throws IOException on failure
     */
    public Path writeBytes(String relativeName, byte[] bytes) throws IOException {
        Path target = path(relativeName);
        Files.write(target, bytes);
        return target;
    }

    /**
     * Writes UTF-8 text to a file.
     *
     * @param relativeName the file name
     * @param text the content
     * @return the path written
     * @throws IOException on failure
     */
    public Path writeString(String relativeName, String text) throws IOException {
        return writeBytes(relativeName, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a JSON value as Python's {@code json.dumps(value, indent=2)} does.
     *
     * @param relativeName the file name, e.g. {@value CheckpointLayout#SCHEDULER_STATE}
     * @param value maps, lists, strings, numbers, booleans, {@code null}
     * @return the path written
     * @throws IOException on failure
     */
    public Path writeJson(String relativeName, Object value) throws IOException {
        return writeString(relativeName, PythonJson.builder().indent(2).build().dumps(value) + "\n");
    }

    /**
     * Copies a file into the checkpoint (e.g. tokenizer files).
     *
     * @param source the file to copy
     * @param relativeName its name in the checkpoint
     * @return the path written
     * @throws IOException on failure
     */
    public Path copy(Path source, String relativeName) throws IOException {
        Path target = path(relativeName);
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /**
     * Writes {@value TrainerState#FILE_NAME}.
     *
     * @param state the state to save
     * @return the path written
     * @throws IOException on failure
     */
    public Path writeTrainerState(TrainerState state) throws IOException {
        return writeString(TrainerState.FILE_NAME, state.toJson());
    }

    /**
     * Writes {@value CheckpointLayout#TRAINING_POSITION}.
     *
     * @param position where the loop stands
     * @return the path written
     * @throws IOException on failure
     */
    public Path writeTrainingPosition(TrainingPosition position) throws IOException {
        if (position.globalStep() != step) {
            throw new IllegalArgumentException("training position is at global step " + position.globalStep()
                    + " but the checkpoint being written is for step " + step);
        }
        return writeString(CheckpointLayout.TRAINING_POSITION, position.toJson());
    }

    /**
     * Writes {@value CheckpointLayout#MODEL_FINGERPRINT}.
     *
     * @param fingerprint the identity of the base model and setup
     * @return the path written
     * @throws IOException on failure
     */
    public Path writeModelFingerprint(ModelFingerprint fingerprint) throws IOException {
        return writeString(CheckpointLayout.MODEL_FINGERPRINT, fingerprint.toJson());
    }
}
