package ai.llamafactory.data.dataset.reader;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of a dataset file before conversion, with where it came from.
 *
 * @param fields the record's fields as a JSON object; null when the record could not be parsed
 * @param parseError why the record could not be parsed (a malformed JSON line, a value that is not an object);
 *     null when {@code fields} is set
 * @param file the file name, for messages
 * @param line the 1-based line where the record starts, or 0 when the format has no lines (Parquet) or the line is
 *     not known
 * @param index the 0-based position of the record in its file
 * @param element true when the record is an element of a JSON array: it is located by its index in the array first
 *     (a whole array is often written on one line, where every element would share the line)
 */
public record RawRow(ObjectNode fields, String parseError, String file, long line, long index, boolean element) {

    /**
     * A row located by its line (or its index when {@code line} is 0).
     *
     * @param fields the record's fields, or null
     * @param parseError why it is unreadable, or null
     * @param file the file name
     * @param line the 1-based line, or 0
     * @param index the 0-based index
     */
    public RawRow(ObjectNode fields, String parseError, String file, long line, long index) {
        this(fields, parseError, file, line, index, false);
    }

    /**
     * @param fields the parsed record
     * @param file the file name
     * @param line the 1-based line, or 0
     * @param index the 0-based index
     * @return a parsed row
     */
    public static RawRow of(ObjectNode fields, String file, long line, long index) {
        return new RawRow(fields, null, file, line, index);
    }

    /**
     * @param error why the record is unreadable
     * @param file the file name
     * @param line the 1-based line, or 0
     * @param index the 0-based index
     * @return an unreadable row, which the loader counts and drops
     */
    public static RawRow unreadable(String error, String file, long line, long index) {
        return new RawRow(null, error, file, line, index);
    }

    /**
     * @return {@code file:line} or {@code file[#index]}; for an element of a JSON array {@code file[#index]} followed
     *     by {@code  (line N)} when the line is known
     */
    public String location() {
        if (element) {
            return file + "[#" + index + "]" + (line > 0 ? " (line " + line + ")" : "");
        }
        return line > 0 ? file + ":" + line : file + "[#" + index + "]";
    }
}
