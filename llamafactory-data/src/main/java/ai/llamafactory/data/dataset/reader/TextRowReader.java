package ai.llamafactory.data.dataset.reader;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a {@code .txt} file as one document per line, each row holding a single {@code text} column (as Hugging
 * Face's text loader does). Lines are read one at a time, so a corpus of any size streams.
 */
final class TextRowReader implements RowReader {
    /** The column that holds each line. */
    static final String COLUMN = "text";

    @Override
    public RowIterator open(Path file) {
        BufferedReader reader = new BufferedReader(Utf8FileReader.open(file));
        String name = file.toString();
        return new BaseRowIterator(reader) {
            private long line;

            @Override
            protected String fileName() {
                return name;
            }

            @Override
            protected RawRow readNext() throws IOException {
                String text = reader.readLine();
                if (text == null) {
                    return null;
                }
                line++;
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.put(COLUMN, text);
                return RawRow.of(o, name, line, line - 1);
            }
        };
    }
}
