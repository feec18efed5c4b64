package ai.llamafactory.data.dataset.reader;

import ai.llamafactory.api.exception.DatasetException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a {@code .parquet} file row group by row group and turns each record into a JSON object: strings, numbers
 * and booleans as such, {@code LIST} columns as arrays (standard three-level and legacy two-level layouts), {@code MAP}
 * columns as objects and structs as nested objects. Only one row group is held in memory at a time.
 */
final class ParquetRowReader implements RowReader {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Override
    public RowIterator open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("Dataset file not found: " + file.toAbsolutePath());
        }
        ParquetFileReader reader;
        try {
            ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                    .withCodecFactory(new PureJavaCodecFactory())
                    .build();
            reader = ParquetFileReader.open(new LocalInputFile(file), options);
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file + ": not a readable Parquet file: " + e.getMessage(), e);
        }
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        MessageColumnIO columnIO = new ColumnIOFactory().getColumnIO(schema);
        String name = file.toString();
        return new BaseRowIterator(reader) {
            private RecordReader<Group> records;
            private long remaining;
            private long index;

            @Override
            protected String fileName() {
                return name;
            }

            @Override
            protected RawRow readNext() throws IOException {
                try {
                    while (remaining == 0) {
                        PageReadStore pages = reader.readNextRowGroup();
                        if (pages == null) {
                            return null;
                        }
                        remaining = pages.getRowCount();
                        records = columnIO.getRecordReader(pages, new GroupRecordConverter(schema));
                    }
                    remaining--;
                    Group g = records.read();
                    return RawRow.of(toObject(g, schema), name, 0, index++);
                } catch (UnsupportedOperationException e) {
                    throw new DatasetException(name + ": " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    throw new IOException("corrupt Parquet data near row " + index + ": " + e, e);
                }
            }
        };
    }

    static ObjectNode toObject(Group g, GroupType type) {
        ObjectNode o = JSON.objectNode();
        for (int i = 0; i < type.getFieldCount(); i++) {
            Type field = type.getType(i);
            int count = g.getFieldRepetitionCount(i);
            if (field.isRepetition(Type.Repetition.REPEATED)) {
                ArrayNode arr = o.putArray(field.getName());
                for (int j = 0; j < count; j++) {
                    arr.add(value(g, i, j, field));
                }
            } else if (count == 0) {
                o.putNull(field.getName());
            } else {
                o.set(field.getName(), value(g, i, 0, field));
            }
        }
        return o;
    }

    private static JsonNode value(Group g, int field, int index, Type type) {
        if (type.isPrimitive()) {
            return primitive(g, field, index, type.asPrimitiveType());
        }
        GroupType gt = type.asGroupType();
        Group child = g.getGroup(field, index);
        LogicalTypeAnnotation logical = gt.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && gt.getFieldCount() == 1) {
            return list(child, gt);
        }
        if (logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation && gt.getFieldCount() == 1) {
            return map(child, gt);
        }
        return toObject(child, gt);
    }

    private static JsonNode list(Group listGroup, GroupType listType) {
        ArrayNode arr = JSON.arrayNode();
        Type repeated = listType.getType(0);
        int n = listGroup.getFieldRepetitionCount(0);
        boolean threeLevel = !repeated.isPrimitive()
                && repeated.asGroupType().getFieldCount() == 1
                && !repeated.getName().equals("array")
                && !repeated.getName().equals(listType.getName() + "_tuple");
        for (int j = 0; j < n; j++) {
            if (threeLevel) {
                Group wrapper = listGroup.getGroup(0, j);
                Type element = repeated.asGroupType().getType(0);
                arr.add(wrapper.getFieldRepetitionCount(0) == 0 ? JSON.nullNode() : value(wrapper, 0, 0, element));
            } else {
                arr.add(value(listGroup, 0, j, repeated));
            }
        }
        return arr;
    }

    private static JsonNode map(Group mapGroup, GroupType mapType) {
        ObjectNode o = JSON.objectNode();
        GroupType kv = mapType.getType(0).asGroupType();
        int n = mapGroup.getFieldRepetitionCount(0);
        for (int j = 0; j < n; j++) {
            Group entry = mapGroup.getGroup(0, j);
            String key = primitive(entry, 0, 0, kv.getType(0).asPrimitiveType()).asText();
            o.set(
                    key,
                    kv.getFieldCount() < 2 || entry.getFieldRepetitionCount(1) == 0
                            ? JSON.nullNode()
                            : value(entry, 1, 0, kv.getType(1)));
        }
        return o;
    }

    private static JsonNode primitive(Group g, int field, int index, PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        switch (type.getPrimitiveTypeName()) {
            case BOOLEAN:
                return JSON.booleanNode(g.getBoolean(field, index));
            case INT32:
                return JSON.numberNode(g.getInteger(field, index));
            case INT64:
                return JSON.numberNode(g.getLong(field, index));
            case FLOAT:
                return JSON.numberNode(g.getFloat(field, index));
            case DOUBLE:
                return JSON.numberNode(g.getDouble(field, index));
            case BINARY:
            case FIXED_LEN_BYTE_ARRAY: {
                byte[] bytes = g.getBinary(field, index).getBytes();
                boolean text = logical == null
                        || logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
                return text && type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
                        ? JSON.textNode(new String(bytes, StandardCharsets.UTF_8))
                        : JSON.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            default:
                return JSON.textNode(g.getValueToString(field, index));
        }
    }
}
