package ai.llamafactory.data.dataset;

import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.dataset.reader.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files behind a local dataset entry: {@code file_name} resolved against the dataset directory, a single file or
 * every file of a folder (sorted by name; hidden files skipped), all of one supported type.
 *
 * @param files the files, in reading order
 * @param type their common type
 */
record DatasetFiles(List<Path> files, FileType type) {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetFiles.class);

    static DatasetFiles resolve(DatasetInfo info, Path datasetDir) {
        if (!info.isLocal()) {
            RemoteSource r = info.remoteSource().orElseThrow();
            throw new DatasetException("Dataset '" + info.name() + "' is a remote dataset (" + r.key() + " '"
                    + r.location() + "'): hub datasets are not supported offline; download it to a file under "
                    + datasetDir.toAbsolutePath() + " and give it a 'file_name' in dataset_info.json");
        }
        if (!info.split().equals("train")) {
            throw new DatasetException("Dataset '" + info.name() + "': split '" + info.split() + "' does not exist; "
                    + "local files are read as the single split 'train'");
        }
        if (info.folder().isPresent() || info.subset().isPresent()) {
            LOG.warn(
                    "Dataset '{}': 'folder' and 'subset' apply to hub datasets and are ignored for local files",
                    info.name());
        }
        String fileName = info.fileName().orElseThrow();
        Path path = datasetDir.resolve(fileName);
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new DatasetException(
                        "Dataset '" + info.name() + "': cannot list folder " + path.toAbsolutePath() + ": "
                                + e.getMessage(),
                        e);
            }
            if (files.isEmpty()) {
                throw new DatasetException(
                        "Dataset '" + info.name() + "': folder " + path.toAbsolutePath() + " holds no data file");
            }
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    throw new DatasetException("Dataset '" + info.name() + "': folder " + path.toAbsolutePath()
                            + " must hold only data files, found " + f.getFileName());
                }
            }
        } else if (Files.isRegularFile(path)) {
            files = List.of(path);
        } else {
            throw new DatasetException("Dataset file not found for '" + info.name() + "': looked for "
                    + path.toAbsolutePath() + " (file_name '" + fileName + "' under dataset_dir "
                    + datasetDir.toAbsolutePath() + ")");
        }
        Map<FileType, List<String>> byType = new TreeMap<>();
        for (Path f : files) {
            FileType t = FileType.of(f)
                    .orElseThrow(() -> new DatasetException("Dataset '" + info.name() + "': "
                            + f.toAbsolutePath() + " has an unsupported extension; supported: "
                            + FileType.supportedExtensions()));
            byType.computeIfAbsent(t, k -> new java.util.ArrayList<>())
                    .add(f.getFileName().toString());
        }
        if (byType.size() > 1) {
            throw new DatasetException("Dataset '" + info.name() + "': files of folder " + path.toAbsolutePath()
                    + " must all be of one type, found "
                    + byType.entrySet().stream()
                            .map(e -> e.getKey().extension() + " " + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        FileType type = byType.keySet().iterator().next();
        if (!type.isSupported()) {
            throw new DatasetException("Dataset '" + info.name() + "': " + type.extension()
                    + " files are not supported; save the data as parquet or jsonl (" + path.toAbsolutePath() + ")");
        }
        return new DatasetFiles(files, type);
    }
}
