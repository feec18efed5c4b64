package ai.llamafactory.data.dataset.reader;

import ai.llamafactory.api.exception.DatasetException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * Reads a {@code .json} file in any of the layouts Hugging Face's json loader accepts for row data: a top-level array
 * of objects (streamed element by element), a top-level object whose single field holds such an array (read whole),
 * or several top-level objects one after another (JSON lines). A syntax error ends the read with a
 * {@link DatasetException} naming the file, line and column.
 */
final class JsonRowReader implements RowReader {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    @Override
    public RowIterator open(Path file) {
        Reader reader = Utf8FileReader.open(file);
        JsonParser parser;
        try {
            parser = FACTORY.createParser(reader);
        } catch (IOException e) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // nothing to recover
            }
            throw new DatasetException("Cannot open " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new JsonIterator(parser, file.toString());
    }

    /**
     * @param parser the parser that failed, for the location of failures that carry none
     * @return the error for a parse failure: a size limit ({@link JsonLimits}) or a syntax error, with file, line
     *     and column
     */
    static DatasetException syntaxError(String file, JsonProcessingException e, JsonParser parser) {
        String where = JsonLimits.where(e, parser.currentLocation());
        String limit = JsonLimits.describe(e, where);
        if (limit != null) {
            return new DatasetException(file + ": " + limit, e);
        }
        return new DatasetException(file + ": not valid JSON at " + where + ": " + e.getOriginalMessage(), e);
    }

    private static final class JsonIterator extends BaseRowIterator {
        private final JsonParser parser;
        private final String file;
        private boolean started;
        private boolean inArray;
        private java.util.Iterator<JsonNode> wrapped;
        private long index;
        /** In JSON-lines mode the parser already stands on the second object after the first was read. */
        private boolean standingOnObject;

        JsonIterator(JsonParser parser, String file) {
            super(parser);
            this.parser = parser;
            this.file = file;
        }

        @Override
        protected String fileName() {
            return file;
        }

        @Override
        protected RawRow readNext() throws IOException {
            try {
                return read();
            } catch (JsonProcessingException e) {
                close();
                throw syntaxError(file, e, parser);
            }
        }

        private RawRow read() throws IOException {
            if (wrapped != null) {
                // the tree read whole has lost its elements' locations: they are known by index alone
                return wrapped.hasNext() ? toRow(wrapped.next(), 0, true) : null;
            }
            if (!started) {
                started = true;
                JsonToken t = parser.nextToken();
                if (t == null) {
                    return null;
                }
                if (t == JsonToken.START_ARRAY) {
                    inArray = true;
                } else if (t == JsonToken.START_OBJECT) {
                    long line = parser.currentTokenLocation().getLineNr();
                    JsonNode first = parser.readValueAsTree();
                    JsonToken after = parser.nextToken();
                    if (after == null
                            && first.size() == 1
                            && first.elements().next().isArray()) {
                        // {"train": [ {...}, {...} ]}: the object holds the rows
                        wrapped = first.elements().next().elements();
                        return read();
                    }
                    if (after != null && after != JsonToken.START_OBJECT) {
                        throw new DatasetException(file + ": after the first object at line " + line
                                + " expected another object (JSON lines) or the end of the file, got " + after
                                + " at line " + parser.currentTokenLocation().getLineNr());
                    }
                    standingOnObject = after != null;
                    return toRow(first, line, false);
                } else {
                    throw new DatasetException(file + ": expected a JSON array of objects, an object holding one, or "
                            + "JSON lines; the file starts with " + t + " at line "
                            + parser.currentTokenLocation().getLineNr());
                }
            }
            JsonToken t;
            if (standingOnObject) {
                standingOnObject = false;
                t = parser.currentToken();
            } else {
                t = parser.nextToken();
            }
            if (t == null || (inArray && t == JsonToken.END_ARRAY)) {
                if (inArray && t == JsonToken.END_ARRAY) {
                    JsonToken trailing = parser.nextToken();
                    if (trailing != null) {
                        throw new DatasetException(file + ": unexpected " + trailing + " after the closing ']' at line "
                                + parser.currentTokenLocation().getLineNr());
                    }
                }
                return null;
            }
            long line = parser.currentTokenLocation().getLineNr();
            JsonNode node = parser.readValueAsTree();
            return toRow(node, line, inArray);
        }

        /** @param element true for an element of the top-level array, located by its index in the array */
        private RawRow toRow(JsonNode node, long line, boolean element) {
            long i = index++;
            if (node instanceof ObjectNode o) {
                return new RawRow(o, null, file, line, i, element);
            }
            return new RawRow(null, "expected a JSON object, got " + excerpt(node), file, line, i, element);
        }
    }

    static String excerpt(JsonNode node) {
        String s = node == null ? "null" : node.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
