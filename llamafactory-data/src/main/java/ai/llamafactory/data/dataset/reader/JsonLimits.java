package ai.llamafactory.data.dataset.reader;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * Explains a value over one of Jackson's {@link StreamReadConstraints} (string length, number length, nesting depth,
 * name length, document length): the reader refuses it to bound memory, and the file is not malformed JSON, so the
 * message says which limit and its value instead of "not valid JSON".
 */
final class JsonLimits {
    private static final StreamReadConstraints DEFAULTS = StreamReadConstraints.defaults();

    private JsonLimits() {}

    /**
     * @param e a parse failure
     * @param where where the value is, e.g. {@code line 3, column 7}
     * @return e.g. {@code the value at line 3, column 7 is over the JSON reader's size limit maxNumberLength = 1000
     *     (...)}, or null when the failure is not a size limit
     */
    static String describe(JsonProcessingException e, String where) {
        if (!(e instanceof StreamConstraintsException)) {
            return null;
        }
        String m = String.valueOf(e.getOriginalMessage());
        String limit;
        long value;
        if (m.contains("String value length")) {
            limit = "maxStringLength";
            value = DEFAULTS.getMaxStringLength();
        } else if (m.contains("Number value length")) {
            limit = "maxNumberLength";
            value = DEFAULTS.getMaxNumberLength();
        } else if (m.contains("nesting depth")) {
            limit = "maxNestingDepth";
            value = DEFAULTS.getMaxNestingDepth();
        } else if (m.contains("Name length")) {
            limit = "maxNameLength";
            value = DEFAULTS.getMaxNameLength();
        } else if (m.contains("Document length")) {
            limit = "maxDocumentLength";
            value = DEFAULTS.getMaxDocumentLength();
        } else {
            return "the value at " + where + " is over a JSON reader size limit (" + m + ")";
        }
        return "the value at " + where + " is over the JSON reader's size limit " + limit + " = " + value + " (Jackson "
                + "StreamReadConstraints: " + m + "); this library reads dataset files with Jackson's default limits, "
                + "so shorten or split that value";
    }

    /**
     * @param e a parse failure
     * @param fallback where the parser stands, for failures without a location (Jackson's constraint exceptions
     *     carry none); may be null
     * @return {@code line L, column C}, with {@code ?} where neither knows
     */
    static String where(JsonProcessingException e, JsonLocation fallback) {
        JsonLocation loc = e.getLocation() != null ? e.getLocation() : fallback;
        return "line " + (loc == null ? "?" : loc.getLineNr()) + ", column " + (loc == null ? "?" : loc.getColumnNr());
    }
}
