package ai.llamafactory.data.dataset;

import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.dataset.reader.RawRow;
import ai.llamafactory.data.json.PythonJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Turns one raw row into an {@link AlignedExample} following a dataset's formatting, or explains why it cannot.
 * The rules are LLaMA-Factory's ({@code data/converter.py} plus the checks its processors make before encoding);
 * where LLaMA-Factory would crash or silently produce an example that its processors later discard, the row is
 * dropped here with a reason instead.
 */
abstract class RowConverter {
    /** {@code json.dumps(x, ensure_ascii=False)}, as LLaMA-Factory writes tool calls and tool lists. */
    static final PythonJson PY_JSON = PythonJson.builder().ensureAscii(false).build();

    protected final DatasetInfo info;
    protected final DatasetColumns columns;

    RowConverter(DatasetInfo info) {
        this.info = info;
        this.columns = info.columns();
    }

    /**
     * @param info a dataset entry
     * @return the converter for its formatting
     */
    static RowConverter forInfo(DatasetInfo info) {
        return switch (info.formatting()) {
            case ALPACA -> new AlpacaConverter(info);
            case SHAREGPT -> new SharegptConverter(info);
            case OPENAI -> new OpenAiConverter(info);
        };
    }

    /** Outcome of converting one row: exactly one of the two is set. */
    record Conversion(AlignedExample example, RowProblem problem) {}

    /** A row that cannot be converted; thrown inside converters, caught in {@link #convert}. */
    static final class Drop extends Exception {
        private static final long serialVersionUID = 1L;
        final DropReason reason;
        final String field;

        Drop(DropReason reason, String field, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
            this.field = field;
        }
    }

    /**
     * @param row a row from a reader
     * @return the example or the problem
     * @throws DatasetException when the row uses a media column (images, videos, audios): not supported
     */
    final Conversion convert(RawRow row) {
        if (row.fields() == null) {
            return new Conversion(
                    null, new RowProblem(info.name(), row.location(), DropReason.UNREADABLE_ROW, "", row.parseError()));
        }
        rejectMedia(row);
        try {
            return new Conversion(convert(row.fields(), info.name() + ":" + row.location()), null);
        } catch (Drop d) {
            return new Conversion(null, new RowProblem(info.name(), row.location(), d.reason, d.field, d.getMessage()));
        }
    }

    /**
     * @param row the row's fields
     * @param source the example's source string
     * @return the example
     * @throws Drop when the row is malformed
     */
    abstract AlignedExample convert(ObjectNode row, String source) throws Drop;

    private void rejectMedia(RawRow row) {
        String[][] media = {{"images", columns.images()}, {"videos", columns.videos()}, {"audios", columns.audios()}};
        for (String[] m : media) {
            JsonNode v = m[1] == null ? null : row.fields().get(m[1]);
            boolean used = v != null
                    && !v.isNull()
                    && !(v.isContainerNode() && v.isEmpty())
                    && !(v.isTextual() && v.textValue().isEmpty());
            if (used) {
                throw new DatasetException("dataset '" + info.name() + "' " + row.location() + ": column '" + m[1]
                        + "' (" + m[0] + ") holds " + excerpt(v) + "; " + m[0] + " inputs are not supported (this "
                        + "library trains text-only models). Remove the rows that use them, or drop '" + m[0]
                        + "' from the dataset's columns in dataset_info.json to train on the text alone");
            }
        }
    }

    /** @return the value of a configured column, or null when unconfigured, absent or JSON null */
    static JsonNode field(ObjectNode row, String column) {
        if (column == null) {
            return null;
        }
        JsonNode v = row.get(column);
        return v == null || v.isNull() ? null : v;
    }

    /**
     * Drops a row that lacks a column {@code dataset_info.json} names explicitly (a row where the column is present
     * but null is not dropped here). A column absent from every row of a file is an error raised by the pipeline.
     *
     * @param row the row
     * @param key the {@code columns} key, e.g. {@code prompt}
     * @param column the column it names, or null
     * @throws Drop when the column is declared and the row has no such key
     */
    void requireDeclared(ObjectNode row, String key, String column) throws Drop {
        if (column != null && info.declares(key) && !row.has(column)) {
            java.util.List<String> names = new java.util.ArrayList<>();
            row.fieldNames().forEachRemaining(names::add);
            throw new Drop(
                    DropReason.MISSING_FIELD,
                    column,
                    "the row has no column '" + column + "' (columns." + key
                            + " in dataset_info.json); its columns are " + names);
        }
    }

    /** @return the text of a value that must be a string */
    static String text(JsonNode v, String field) throws Drop {
        if (!v.isTextual()) {
            throw new Drop(DropReason.WRONG_TYPE, field, "expected a string, got " + excerpt(v));
        }
        return v.textValue();
    }

    /** @return the text of an optional column: empty when absent */
    static String optionalText(ObjectNode row, String column) throws Drop {
        JsonNode v = field(row, column);
        return v == null ? "" : text(v, column);
    }

    /** @return the tools column as text: strings as they are, lists and objects as Python-style JSON */
    static String tools(ObjectNode row, String column) throws Drop {
        JsonNode v = field(row, column);
        if (v == null) {
            return "";
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isContainerNode()) {
            return PY_JSON.dumps(v);
        }
        throw new Drop(DropReason.WRONG_TYPE, column, "expected a JSON string, list or object, got " + excerpt(v));
    }

    /**
     * @return the KTO judgement: null when there is no kto_tag column or no value (an ordinary row)
     * @throws Drop when the value is neither a boolean nor the text true/false
     */
    Boolean ktoTag(ObjectNode row) throws Drop {
        JsonNode v = field(row, columns.ktoTag());
        if (v == null) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual()) {
            String t = v.textValue().trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return t.equals("true");
            }
        }
        throw new Drop(DropReason.INVALID_KTO_TAG, columns.ktoTag(), "expected true or false, got " + excerpt(v));
    }

    static String excerpt(JsonNode v) {
        String s = v == null ? "nothing" : v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
