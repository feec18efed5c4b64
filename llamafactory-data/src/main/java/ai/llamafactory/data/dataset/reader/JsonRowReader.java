package ai.llamafactory.data.dataset.reader;

import ai.llamafactory.api.exception.DatasetException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
        JsonParser parser;
        try {
            parser = FACTORY.createParser(Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new DatasetException("Dataset file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new DatasetException("Cannot open " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new JsonIterator(parser, file.toString());
    }

    static DatasetException syntaxError(String file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        return new DatasetException(file + ": not valid JSON at line " + (loc == null ? "?" : loc.getLineNr())
                + ", column " + (loc == null ? "?" : loc.getColumnNr()) + ": " + e.getOriginalMessage(), e);
    }

    private static final class JsonIterator extends BaseRowIterator {
        private final JsonParser parser;
        private final String file;
        private boolean started;
        private boolean inArray;
        private java.util.Iterator<JsonNode> wrapped;
        private long wrappedLine;
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
                throw syntaxError(file, e);
            }
        }

        private RawRow read() throws IOException {
            if (wrapped != null) {
                return wrapped.hasNext() ? toRow(wrapped.next(), wrappedLine) : null;
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
                    if (after == null && first.size() == 1 && first.elements().next().isArray()) {
                        // {"train": [ {...}, {...} ]}: the object holds the rows
                        wrappedLine = line;
                        wrapped = first.elements().next().elements();
                        return read();
                    }
                    if (after != null && after != JsonToken.START_OBJECT) {
                        throw new DatasetException(file + ": after the first object at line " + line
                                + " expected another object (JSON lines) or the end of the file, got " + after
                                + " at line " + parser.currentTokenLocation().getLineNr());
                    }
                    standingOnObject = after != null;
                    return toRow(first, line);
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
            return toRow(node, line);
        }

        private RawRow toRow(JsonNode node, long line) {
            long i = index++;
            if (node instanceof ObjectNode o) {
                return RawRow.of(o, file, line, i);
            }
            return RawRow.unreadable("expected a JSON object, got " + excerpt(node), file, line, i);
        }
    }

    static String excerpt(JsonNode node) {
        String s = node == null ? "null" : node.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
