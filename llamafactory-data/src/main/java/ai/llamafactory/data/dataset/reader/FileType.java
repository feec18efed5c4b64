package ai.llamafactory.data.dataset.reader;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Kinds of dataset file, recognised by extension as in LLaMA-Factory's {@code FILEEXT2TYPE}. */
public enum FileType {
    /** {@code .json}: an array of objects, an object holding such an array, or JSON lines. */
    JSON("json"),
    /** {@code .jsonl}: one JSON object per line. */
    JSONL("jsonl"),
    /** {@code .csv}: a header line, then one row per record. */
    CSV("csv"),
    /** {@code .parquet}: Apache Parquet, as published by Hugging Face datasets. */
    PARQUET("parquet"),
    /** {@code .txt}: one document per line, read as a {@code text} column. */
    TXT("txt"),
    /** {@code .arrow}: recognised so that the error is clear; not readable by this library. */
    ARROW("arrow");

    private final String extension;

    FileType(String extension) {
        this.extension = extension;
    }

    /** @return the extension without the dot */
    public String extension() {
        return extension;
    }

    /** @return true when this library can read the type */
    public boolean isSupported() {
        return this != ARROW;
    }

    /**
     * @param file a file
     * @return its type, when the extension is a known one
     */
    public static Optional<FileType> of(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.extension.equals(ext)).findFirst();
    }

    /** @return the supported extensions, for messages */
    public static List<String> supportedExtensions() {
        return Arrays.stream(values())
                .filter(FileType::isSupported)
                .map(FileType::extension)
                .toList();
    }
}
