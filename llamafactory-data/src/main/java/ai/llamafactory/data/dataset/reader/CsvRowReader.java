package ai.llamafactory.data.dataset.reader;

import ai.llamafactory.api.exception.DatasetException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .csv} file with a header line (RFC 4180 quoting, multi-line quoted cells allowed). Every cell is a
 * string; an empty cell is read as a missing value, as pandas does. A row with more cells than the header, or broken
 * quoting, ends the read with a {@link DatasetException} naming the line.
 */
final class CsvRowReader implements RowReader {
    private static final CsvMapper MAPPER = new CsvMapper();

    @Override
    public RowIterator open(Path file) {
        Reader reader = Utf8FileReader.open(file);
        String name = file.toString();
        MappingIterator<JsonNode> rows;
        try {
            rows = MAPPER.readerFor(JsonNode.class)
                    .with(CsvSchema.emptySchema().withHeader())
                    .readValues(reader);
        } catch (Utf8FileReader.InvalidUtf8Exception e) {
            closeQuietly(reader);
            throw new DatasetException(e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(reader);
            throw new DatasetException(name + ": cannot read the CSV header: " + e.getMessage(), e);
        }
        return new BaseRowIterator(reader) {
            private long index;

            @Override
            protected String fileName() {
                return name;
            }

            @Override
            protected RawRow readNext() throws IOException {
                try {
                    if (!rows.hasNextValue()) {
                        return null;
                    }
                    long line = rows.getParser().currentLocation().getLineNr();
                    JsonNode node = rows.nextValue();
                    ObjectNode o = (ObjectNode) node;
                    List<String> nulls = new ArrayList<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getValue().isTextual() && e.getValue().textValue().isEmpty()) {
                            nulls.add(e.getKey());
                        }
                    }
                    nulls.forEach(o::putNull);
                    return RawRow.of(o, name, line, index++);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    String limit = JsonLimits.describe(
                            e, JsonLimits.where(e, rows.getParser().currentLocation()));
                    if (limit != null) {
                        throw new DatasetException(name + ": " + limit, e);
                    }
                    throw new DatasetException(
                            name + ": malformed CSV at line "
                                    + (e.getLocation() == null
                                            ? "?"
                                            : e.getLocation().getLineNr()) + ": "
                                    + e.getOriginalMessage(),
                            e);
                }
            }
        };
    }

    private static void closeQuietly(Reader r) {
        try {
            r.close();
        } catch (IOException ignored) {
            // nothing to recover
        }
    }
}
