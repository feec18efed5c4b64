package ai.llamafactory.data.metrics;

import ai.llamafactory.api.exception.DatasetException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A multiple-choice benchmark the user provides: subjects, each with the questions to evaluate and the dev questions
 * few-shot examples are drawn from.
 *
 * <p>Files are CSV, JSON (an array of objects) or JSON Lines, one question per row with the fields {@code question},
 * {@code A}, {@code B}, {@code C}, {@code D} and {@code answer} (optional: C-Eval's test split has none), plus
 * {@code subject} when one file holds several subjects; other fields ({@code id}, {@code explanation}) are ignored. A
 * CSV file either starts with a header naming those columns or, as MMLU's files, has no header and exactly the six
 * columns question, A, B, C, D, answer. Without a {@code subject} field the subject is the file name without its
 * extension and without a {@code _<split>} suffix ({@code abstract_algebra_test.csv} is {@code abstract_algebra}).
 *
 * <p>An optional {@code mapping.json} in LLaMA-Factory's format,
 * <code>{"abstract_algebra": {"name": "abstract algebra", "category": "STEM"}, ...}</code>, gives each subject its
 * display name and category and fixes the order of subjects. Without one, subjects keep the order in which they
 * first appear, are named after their id with underscores as spaces, and count towards the average only.
 *
 * <p>Instances are immutable.
 */
public final class McqDataset {
    /** The file LLaMA-Factory reads subject names and categories from. */
    public static final String MAPPING_FILE = "mapping.json";
    /** The folder of few-shot examples in MMLU and C-Eval (LLaMA-Factory's {@code train} split). */
    public static final String DEV_SPLIT = "dev";

    private static final List<String> COLUMNS = List.of("question", "A", "B", "C", "D", "answer");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<McqSubject> subjects;
    private final Map<String, List<McqQuestion>> evalQuestions;
    private final Map<String, List<McqQuestion>> devQuestions;

    private McqDataset(
            List<McqSubject> subjects,
            Map<String, List<McqQuestion>> evalQuestions,
            Map<String, List<McqQuestion>> devQuestions) {
        this.subjects = List.copyOf(subjects);
        this.evalQuestions = evalQuestions;
        this.devQuestions = devQuestions;
    }

    /**
     * @return a builder for a dataset assembled in code
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a benchmark laid out as LLaMA-Factory's {@code evaluation/mmlu} and {@code evaluation/ceval} folders:
     * {@code <taskDir>/<split>/*.csv} (or {@code .json}, {@code .jsonl}) for the questions, {@code <taskDir>/dev/}
     * for the few-shot examples (optional) and {@code <taskDir>/mapping.json} (optional). The split
     * {@code validation} also finds a folder named {@code val}.
     *
     * @param taskDir the benchmark folder
     * @param split the split to evaluate, e.g. {@code test} or {@code val}
     * @return the dataset
     * @throws DatasetException naming the folder, file, row or field that is missing or malformed
     */
    public static McqDataset loadDirectory(Path taskDir, String split) {
        Objects.requireNonNull(taskDir, "taskDir");
        Objects.requireNonNull(split, "split");
        Path splitDir = taskDir.resolve(split);
        if (!Files.isDirectory(splitDir) && split.equals("validation") && Files.isDirectory(taskDir.resolve("val"))) {
            splitDir = taskDir.resolve("val");
        }
        if (!Files.isDirectory(splitDir)) {
            throw new DatasetException("evaluation split folder " + splitDir + " does not exist");
        }
        Path mapping = taskDir.resolve(MAPPING_FILE);
        Path devDir = taskDir.resolve(DEV_SPLIT);
        Map<String, List<McqQuestion>> eval = new LinkedHashMap<>();
        for (Path file : dataFiles(splitDir)) {
            readFile(file, splitDir.getFileName().toString(), eval);
        }
        Map<String, List<McqQuestion>> dev = new LinkedHashMap<>();
        if (Files.isDirectory(devDir)) {
            for (Path file : dataFiles(devDir)) {
                readFile(file, DEV_SPLIT, dev);
            }
        }
        return assemble(eval, dev, Files.exists(mapping) ? mapping : null, splitDir.toString());
    }

    /**
     * Loads a benchmark from single files.
     *
     * @param evalFile the questions to evaluate
     * @param devFile the few-shot examples, or {@code null} for zero-shot evaluation
     * @param mappingFile subject names and categories in {@code mapping.json} format, or {@code null}
     * @return the dataset
     * @throws DatasetException naming the file, row or field that is missing or malformed
     */
    public static McqDataset loadFiles(Path evalFile, Path devFile, Path mappingFile) {
        Objects.requireNonNull(evalFile, "evalFile");
        Map<String, List<McqQuestion>> eval = new LinkedHashMap<>();
        readFile(evalFile, null, eval);
        Map<String, List<McqQuestion>> dev = new LinkedHashMap<>();
        if (devFile != null) {
            readFile(devFile, DEV_SPLIT, dev);
        }
        return assemble(eval, dev, mappingFile, evalFile.toString());
    }

    /**
     * @return the subjects in evaluation order
     */
    public List<McqSubject> subjects() {
        return subjects;
    }

    /**
     * @param subjectId a subject id
     * @return the questions to evaluate for it (empty for an unknown id)
     */
    public List<McqQuestion> evalQuestions(String subjectId) {
        return evalQuestions.getOrDefault(subjectId, List.of());
    }

    /**
     * @param subjectId a subject id
     * @return the few-shot examples for it (empty when there are none)
     */
    public List<McqQuestion> devQuestions(String subjectId) {
        return devQuestions.getOrDefault(subjectId, List.of());
    }

    /**
     * @return the number of questions to evaluate over all subjects
     */
    public int evalSize() {
        return evalQuestions.values().stream().mapToInt(List::size).sum();
    }

    private static McqDataset assemble(
            Map<String, List<McqQuestion>> eval,
            Map<String, List<McqQuestion>> dev,
            Path mappingFile,
            String evalSource) {
        if (eval.isEmpty()) {
            throw new DatasetException("no question to evaluate in " + evalSource);
        }
        Builder builder = builder();
        if (mappingFile != null) {
            Map<String, McqSubject> mapping = readMapping(mappingFile);
            for (String subject : eval.keySet()) {
                if (!mapping.containsKey(subject)) {
                    throw new DatasetException(
                            "subject '" + subject + "' of " + evalSource + " has no entry in " + mappingFile);
                }
            }
            for (McqSubject subject : mapping.values()) {
                if (eval.containsKey(subject.id())) {
                    builder.subject(subject);
                }
            }
        }
        eval.forEach((subject, questions) -> questions.forEach(q -> builder.addEval(subject, q)));
        dev.forEach((subject, questions) -> questions.forEach(q -> builder.addDev(subject, q)));
        return builder.build();
    }

    /** Reads LLaMA-Factory's {@code mapping.json}, keeping its order. */
    static Map<String, McqSubject> readMapping(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DatasetException("cannot read subject mapping " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DatasetException("subject mapping " + file + " must be a JSON object of subjects");
        }
        Map<String, McqSubject> subjects = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String id = entry.getKey();
            JsonNode value = entry.getValue();
            if (!value.isObject()) {
                throw new DatasetException("subject mapping " + file + ": entry '" + id
                        + "' must be an object with \"name\" and \"category\", got " + value);
            }
            JsonNode name = value.get("name");
            JsonNode category = value.get("category");
            if (name == null || !name.isTextual()) {
                throw new DatasetException(
                        "subject mapping " + file + ": entry '" + id + "' has no text field \"name\"");
            }
            if (category == null || !category.isTextual()) {
                throw new DatasetException(
                        "subject mapping " + file + ": entry '" + id + "' has no text field \"category\"");
            }
            SubjectCategory parsed = SubjectCategory.fromLabel(category.asText())
                    .orElseThrow(() -> new DatasetException(
                            "subject mapping " + file + ": entry '" + id + "' has category '" + category.asText()
                                    + "', expected one of STEM, Social Sciences, Humanities, Other"));
            subjects.put(id, new McqSubject(id, name.asText(), parsed));
        }
        return subjects;
    }

    private static List<Path> dataFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = new ArrayList<>(files.filter(Files::isRegularFile)
                    .filter(p -> format(p) != null)
                    .sorted()
                    .toList());
            if (found.isEmpty()) {
                throw new DatasetException("no .csv, .json or .jsonl file in " + dir);
            }
            return found;
        } catch (IOException e) {
            throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String format(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return "csv";
        }
        if (name.endsWith(".jsonl")) {
            return "jsonl";
        }
        if (name.endsWith(".json") && !name.equals(MAPPING_FILE)) {
            return "json";
        }
        return null;
    }

    /** The subject a file without a subject column holds: its name without extension and {@code _<split>}. */
    private static String subjectFromFileName(Path file, String split) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        List<String> suffixes = new ArrayList<>();
        if (split != null) {
            suffixes.add("_" + split);
        }
        suffixes.addAll(List.of("_test", "_val", "_validation", "_dev"));
        for (String suffix : suffixes) {
            if (stem.endsWith(suffix) && stem.length() > suffix.length()) {
                return stem.substring(0, stem.length() - suffix.length());
            }
        }
        return stem;
    }

    private static void readFile(Path file, String split, Map<String, List<McqQuestion>> into) {
        String kind = format(file);
        if (kind == null) {
            throw new DatasetException("unsupported question file " + file + ": expected .csv, .json or .jsonl");
        }
        String defaultSubject = subjectFromFileName(file, split);
        List<Row> rows =
                switch (kind) {
                    case "csv" -> readCsv(file);
                    case "jsonl" -> readJsonLines(file);
                    default -> readJsonArray(file);
                };
        for (Row row : rows) {
            String subject = row.fields().getOrDefault("subject", defaultSubject);
            if (subject.isEmpty()) {
                throw new DatasetException(file + ", " + row.where() + ": field \"subject\" is empty");
            }
            into.computeIfAbsent(subject, k -> new ArrayList<>()).add(toQuestion(file, row));
        }
    }

    private static McqQuestion toQuestion(Path file, Row row) {
        List<String> values = new ArrayList<>(COLUMNS.size());
        for (String column : COLUMNS) {
            String value = row.fields().get(column);
            if (value == null) {
                if (column.equals("answer")) {
                    value = "";
                } else {
                    throw new DatasetException(file + ", " + row.where() + ": missing field \"" + column + "\"");
                }
            }
            values.add(value);
        }
        String answer = values.get(5);
        if (!answer.isEmpty() && (answer.length() != 1 || "ABCD".indexOf(answer.charAt(0)) < 0)) {
            throw new DatasetException(
                    file + ", " + row.where() + ": field \"answer\" must be A, B, C or D, got '" + answer + "'");
        }
        return McqQuestion.of(values.get(0), values.get(1), values.get(2), values.get(3), values.get(4), answer);
    }

    /** One parsed record with where it came from, for error messages. */
    private record Row(Map<String, String> fields, String where) {}

    private static List<Row> readCsv(Path file) {
        CsvMapper mapper = new CsvMapper();
        List<String[]> records = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<String[]> it = mapper.readerFor(String[].class)
                        .with(CsvParser.Feature.WRAP_AS_ARRAY)
                        .readValues(reader)) {
            while (it.hasNextValue()) {
                records.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            throw new DatasetException("cannot parse CSV file " + file + ": " + e.getMessage(), e);
        }
        List<Row> rows = new ArrayList<>();
        if (records.isEmpty()) {
            return rows;
        }
        String[] first = records.get(0);
        if (first.length > 0 && first[0].startsWith("\uFEFF")) {
            first[0] = first[0].substring(1);
        }
        List<String> header = List.of(first);
        boolean hasHeader = header.contains("question") && header.containsAll(List.of("A", "B", "C", "D"));
        List<String> columns = hasHeader ? header : COLUMNS;
        for (int i = hasHeader ? 1 : 0; i < records.size(); i++) {
            String[] record = records.get(i);
            String where = "record " + (i + 1);
            if (record.length == 1 && record[0].isEmpty()) {
                continue;
            }
            if (record.length != columns.size()) {
                throw new DatasetException(file + ", " + where + ": expected " + columns.size() + " columns "
                        + columns + ", got " + record.length
                        + (hasHeader ? "" : " (a file without a header must have exactly question,A,B,C,D,answer)"));
            }
            Map<String, String> fields = new HashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                fields.put(columns.get(c), record[c]);
            }
            rows.add(new Row(fields, where));
        }
        return rows;
    }

    private static List<Row> readJsonArray(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DatasetException("cannot parse JSON file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new DatasetException("question file " + file + " must hold a JSON array of objects");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            rows.add(toRow(file, root.get(i), "element " + i));
        }
        return rows;
    }

    private static List<Row> readJsonLines(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("cannot read JSON Lines file " + file + ": " + e.getMessage(), e);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new DatasetException(file + ", line " + (i + 1) + ": invalid JSON: " + e.getOriginalMessage(), e);
            }
            rows.add(toRow(file, node, "line " + (i + 1)));
        }
        return rows;
    }

    private static Row toRow(Path file, JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new DatasetException(file + ", " + where + ": expected a JSON object, got " + node);
        }
        Map<String, String> fields = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isValueNode()) {
                throw new DatasetException(
                        file + ", " + where + ": field \"" + e.getKey() + "\" must be text or a number, got " + value);
            }
            fields.put(e.getKey(), value.asText());
        }
        return new Row(fields, where);
    }

    /** Assembles a dataset in code. */
    public static final class Builder {
        private final Map<String, McqSubject> subjects = new LinkedHashMap<>();
        private final Map<String, List<McqQuestion>> eval = new LinkedHashMap<>();
        private final Map<String, List<McqQuestion>> dev = new HashMap<>();

        private Builder() {}

        /**
         * Declares a subject's name and category; subjects are evaluated in declaration order, then undeclared ones
         * in the order their first question was added.
         *
         * @param subject the subject
         * @return this builder
         */
        public Builder subject(McqSubject subject) {
            Objects.requireNonNull(subject, "subject");
            subjects.put(subject.id(), subject);
            return this;
        }

        /**
         * @param subjectId the subject
         * @param question a question to evaluate
         * @return this builder
         */
        public Builder addEval(String subjectId, McqQuestion question) {
            Objects.requireNonNull(question, "question");
            eval.computeIfAbsent(Objects.requireNonNull(subjectId, "subjectId"), k -> new ArrayList<>())
                    .add(question);
            return this;
        }

        /**
         * @param subjectId the subject
         * @param question a few-shot example
         * @return this builder
         */
        public Builder addDev(String subjectId, McqQuestion question) {
            Objects.requireNonNull(question, "question");
            dev.computeIfAbsent(Objects.requireNonNull(subjectId, "subjectId"), k -> new ArrayList<>())
                    .add(question);
            return this;
        }

        /**
         * @return the dataset; subjects without a question to evaluate are left out
         */
        public McqDataset build() {
            List<McqSubject> ordered = new ArrayList<>();
            for (McqSubject subject : subjects.values()) {
                if (eval.containsKey(subject.id())) {
                    ordered.add(subject);
                }
            }
            for (String id : eval.keySet()) {
                if (!subjects.containsKey(id)) {
                    ordered.add(McqSubject.unmapped(id));
                }
            }
            Map<String, List<McqQuestion>> evalCopy = new HashMap<>();
            eval.forEach((k, v) -> evalCopy.put(k, List.copyOf(v)));
            Map<String, List<McqQuestion>> devCopy = new HashMap<>();
            dev.forEach((k, v) -> devCopy.put(k, List.copyOf(v)));
            return new McqDataset(ordered, Collections.unmodifiableMap(evalCopy), Collections.unmodifiableMap(devCopy));
        }
    }
}
