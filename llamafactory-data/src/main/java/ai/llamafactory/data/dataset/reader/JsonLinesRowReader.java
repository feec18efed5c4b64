package ai.llamafactory.data.dataset.reader;

import ai.llamafactory.api.exception.DatasetException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a {@code .jsonl} file line by line. Blank lines are skipped; a line that is not a JSON object becomes an
 * unreadable row (counted and dropped by the loader, or an error in strict mode) and reading goes on.
 */
final class JsonLinesRowReader implements RowReader {
    @Override
    public RowIterator open(Path file) {
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DatasetException("Dataset file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new DatasetException("Cannot open " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
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
                try {
                    JsonNode node = JsonRowReader.MAPPER.readTree(text);
                    if (node instanceof ObjectNode o) {
                        return RawRow.of(o, name, line, i);
                    }
                    return RawRow.unreadable("expected a JSON object, got " + JsonRowReader.excerpt(node), name,
                            line, i);
                } catch (JsonProcessingException e) {
                    JsonLocation loc = e.getLocation();
                    return RawRow.unreadable("not valid JSON at column " + (loc == null ? "?" : loc.getColumnNr())
                            + ": " + e.getOriginalMessage() + " in " + excerpt(text), name, line, i);
                }
            }
        };
    }

    private static String excerpt(String s) {
        return s.length() > 80 ? "'" + s.substring(0, 77) + "...'" : "'" + s + "'";
    }
}
