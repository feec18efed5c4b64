package ai.llamafactory.data.dataset;

import ai.llamafactory.api.exception.DatasetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo datasets bundled with the library, usable by name without a {@code dataset_dir}. They are written for
 * this project (not copied from LLaMA-Factory):
 *
 * <table>
 * <caption>Bundled datasets</caption>
 * <tr><th>name</th><th>file</th><th>format</th><th>use</th></tr>
 * <tr><td>{@value #IDENTITY}</td><td>identity.json</td><td>alpaca</td><td>sft: who the model is; fill the
 * placeholders with {@link IdentityPlaceholders}</td></tr>
 * <tr><td>{@value #ALPACA}</td><td>alpaca_en_demo.json</td><td>alpaca</td><td>sft: arithmetic, definitions,
 * rewriting, lists, facts, code</td></tr>
 * <tr><td>{@value #DPO}</td><td>dpo_en_demo.json</td><td>sharegpt, ranking</td><td>rm, dpo</td></tr>
 * <tr><td>{@value #KTO}</td><td>kto_en_demo.json</td><td>openai-style messages + {@code label}</td><td>kto</td></tr>
 * <tr><td>{@value #CORPUS}</td><td>corpus_demo.txt</td><td>one document per line</td><td>pt</td></tr>
 * </table>
 *
 * <p>The files are read from the classpath and copied once to a folder in the temporary directory (or to the folder
 * named by the system property {@value #DIR_PROPERTY}), so that the regular file readers, streaming included, apply.
 */
public final class DemoDatasets {
    /** Classpath folder of the demo files. */
    public static final String RESOURCE_DIR = "ai/llamafactory/data/demo/";
    /** System property naming the folder the demo files are copied to. */
    public static final String DIR_PROPERTY = "llamafactory.demo.dir";
    /** Self-cognition set with {@code {{name}}} and {@code {{author}}} placeholders. */
    public static final String IDENTITY = "identity";
    /** Alpaca-style instructions. */
    public static final String ALPACA = "alpaca_en_demo";
    /** Pairwise preference conversations (sharegpt, ranking). */
    public static final String DPO = "dpo_en_demo";
    /** Conversations whose answer is judged desirable or not (KTO). */
    public static final String KTO = "kto_en_demo";
    /** Plain-text corpus for pre-training, one document per line. */
    public static final String CORPUS = "corpus_demo";
    /**
     * Alias of {@link #CORPUS} under the name LLaMA-Factory's pre-training examples use ({@code dataset: c4_demo}),
     * so those YAML files run unchanged; the text is our own corpus, not C4.
     */
    public static final String C4_ALIAS = "c4_demo";

    private static Path directory;

    private DemoDatasets() {}

    /**
     * @return the folder holding the demo {@code dataset_info.json} and files, copied from the classpath on first use
     * @throws DatasetException when the files cannot be copied
     */
    public static synchronized Path directory() {
        if (directory == null) {
            try {
                directory = extract();
            } catch (IOException | UncheckedIOException e) {
                throw new DatasetException("Cannot copy the demo datasets out of the classpath: " + e.getMessage(), e);
            }
        }
        return directory;
    }

    /** @return the registry of the demo datasets */
    public static DatasetRegistry registry() {
        return DatasetRegistry.load(directory());
    }

    /** @return the demo dataset names */
    public static List<String> names() {
        return registry().names();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DemoDatasets.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IOException("classpath resource " + RESOURCE_DIR + name + " is missing");
            }
            return in.readAllBytes();
        }
    }

    private static Path extract() throws IOException {
        byte[] info = resource(DatasetRegistry.FILE_NAME);
        DatasetRegistry registry;
        try (InputStream in = new java.io.ByteArrayInputStream(info)) {
            registry = DatasetRegistry.parse(in, "classpath:" + RESOURCE_DIR + DatasetRegistry.FILE_NAME, Path.of("."));
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digest.update(info);
        List<String> files = registry.datasets().stream()
                .map(DatasetInfo::fileName)
                .flatMap(java.util.Optional::stream)
                .toList();
        byte[][] contents = new byte[files.size()][];
        for (int i = 0; i < files.size(); i++) {
            contents[i] = resource(files.get(i));
            digest.update(contents[i]);
        }
        String hash = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        String configured = System.getProperty(DIR_PROPERTY);
        Path target = configured != null
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "llamafactory-demo-data-" + hash);
        if (Files.isRegularFile(target.resolve(DatasetRegistry.FILE_NAME))
                && java.util.Arrays.equals(Files.readAllBytes(target.resolve(DatasetRegistry.FILE_NAME)), info)
                && complete(target, files, contents)) {
            return target;
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".demo-data-");
        Files.write(tmp.resolve(DatasetRegistry.FILE_NAME), info);
        for (int i = 0; i < files.size(); i++) {
            Files.write(tmp.resolve(files.get(i)), contents[i]);
        }
        if (configured != null) {
            Files.createDirectories(target);
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path p : s.toList()) {
                    Files.move(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.delete(tmp);
            return target;
        }
        if (Files.isDirectory(target)) {
            deleteTree(target); // an earlier, incomplete copy
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException
                | AtomicMoveNotSupportedException
                | java.nio.file.DirectoryNotEmptyException e) {
            deleteTree(tmp); // another process extracted the same content first
        }
        return target;
    }

    private static boolean complete(Path dir, List<String> files, byte[][] contents) throws IOException {
        for (int i = 0; i < files.size(); i++) {
            Path f = dir.resolve(files.get(i));
            if (!Files.isRegularFile(f) || Files.size(f) != contents[i].length) {
                return false;
            }
        }
        return true;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
