package ai.llamafactory.data.dataset.reader;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a {@code .jsonl} file line by line. Blank lines are skipped; a line that is not a JSON object becomes an
 * unreadable row (counted and dropped by the loader, or an error in strict mode) and reading goes on; a value over
 * one of Jackson's size limits is such a row too, its reason naming the limit ({@link JsonLimits}).
 */
final class JsonLinesRowReader implements RowReader {
    @Override
    public RowIterator open(Path file) {
        BufferedReader reader = new BufferedReader(Utf8FileReader.open(file));
        String name = file.toString();
        return new BaseRowIterator(reader) {
            private long line;
            private long index;

            @Override
            protected String fileName() {
                return name;
            }

            @Override
            protected RawRow readNext() throws IOException {
                String text;
                while ((text = reader.readLine()) != null) {
                    line++;
                    if (!text.isBlank()) {
                        break;
                    }
                }
                if (text == null) {
                    return null;
                }
                long i = index++;
                JsonParser parser = JsonRowReader.MAPPER.getFactory().createParser(text);
                try (parser) {
                    JsonNode node = JsonRowReader.MAPPER.readTree(parser);
                    if (node instanceof ObjectNode o) {
                        return RawRow.of(o, name, line, i);
                    }
                    return RawRow.unreadable(
                            "expected a JSON object, got " + JsonRowReader.excerpt(node), name, line, i);
                } catch (JsonProcessingException e) {
                    String limit = JsonLimits.describe(e, "column " + columnOf(e, parser));
                    if (limit != null) {
                        return RawRow.unreadable(limit, name, line, i);
                    }
                    return RawRow.unreadable(
                            "not valid JSON at column " + columnOf(e, parser) + ": " + e.getOriginalMessage() + " in "
                                    + excerpt(text),
                            name,
                            line,
                            i);
                }
            }
        };
    }

    private static String columnOf(JsonProcessingException e, JsonParser parser) {
        JsonLocation loc = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        return loc == null ? "?" : String.valueOf(loc.getColumnNr());
    }

    private static String excerpt(String s) {
        return s.length() > 80 ? "'" + s.substring(0, 77) + "...'" : "'" + s + "'";
    }
}
