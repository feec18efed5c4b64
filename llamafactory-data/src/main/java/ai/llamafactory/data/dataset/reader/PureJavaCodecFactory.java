package ai.llamafactory.data.dataset.reader;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet page (de)compression without Hadoop codecs or native libraries: snappy, zstd and lz4 (raw) through
 * aircompressor, gzip through the JDK. Other codecs (brotli, lzo, Hadoop-framed lz4) fail with a message naming the
 * codec.
 */
final class PureJavaCodecFactory implements CompressionCodecFactory {
    /** The codecs this factory handles. */
    static final java.util.Set<CompressionCodecName> SUPPORTED = java.util.EnumSet.of(
            CompressionCodecName.UNCOMPRESSED,
            CompressionCodecName.SNAPPY,
            CompressionCodecName.GZIP,
            CompressionCodecName.ZSTD,
            CompressionCodecName.LZ4_RAW);

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        check(codec);
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                byte[] in = bytes(bytes);
                return BytesInput.from(compressBytes(codec, in));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        check(codec);
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                return BytesInput.from(decompressBytes(codec, bytes(bytes), uncompressedSize));
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                    throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                output.put(decompressBytes(codec, in, uncompressedSize));
            }

            @Override
            public void release() {}
        };
    }

    @Override
    public void release() {}

    private static byte[] bytes(BytesInput input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(32, input.size()));
        input.writeAllTo(out);
        return out.toByteArray();
    }

    private static void check(CompressionCodecName codec) {
        if (!SUPPORTED.contains(codec)) {
            throw new UnsupportedOperationException("Parquet compression codec " + codec
                    + " is not supported; supported: " + SUPPORTED + " (rewrite the file with snappy or zstd)");
        }
    }

    static byte[] compressBytes(CompressionCodecName codec, byte[] in) throws IOException {
        Compressor c;
        switch (codec) {
            case UNCOMPRESSED:
                return in;
            case GZIP: {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                    gz.write(in);
                }
                return bos.toByteArray();
            }
            case SNAPPY:
                c = new SnappyCompressor();
                break;
            case ZSTD:
                c = new ZstdCompressor();
                break;
            case LZ4_RAW:
                c = new Lz4Compressor();
                break;
            default:
                throw new IOException("unsupported codec " + codec);
        }
        byte[] out = new byte[c.maxCompressedLength(in.length)];
        int n = c.compress(in, 0, in.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    static byte[] decompressBytes(CompressionCodecName codec, byte[] in, int uncompressedSize) throws IOException {
        Decompressor d;
        switch (codec) {
            case UNCOMPRESSED:
                return in;
            case GZIP:
                try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in))) {
                    return gz.readNBytes(uncompressedSize);
                }
            case SNAPPY:
                d = new SnappyDecompressor();
                break;
            case ZSTD:
                d = new ZstdDecompressor();
                break;
            case LZ4_RAW:
                d = new Lz4Decompressor();
                break;
            default:
                throw new IOException("unsupported codec " + codec);
        }
        byte[] out = new byte[uncompressedSize];
        int n;
        try {
            n = d.decompress(in, 0, in.length, out, 0, out.length);
        } catch (RuntimeException e) {
            throw new IOException("corrupt " + codec + " page: " + e.getMessage(), e);
        }
        if (n != uncompressedSize) {
            throw new IOException("corrupt " + codec + " page: expected " + uncompressedSize + " bytes, got " + n);
        }
        return out;
    }
}
