package ai.llamafactory.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts runs of little-endian elements from one safetensors dtype to another, in small chunks so that the heap
 * holds at most a few kilobytes of scratch space whatever the tensor size.
 *
 * <p>Supported: any dtype to itself (a byte copy); any floating-point dtype to any other (narrowing rounds to
 * nearest even, as PyTorch does); integer widening that cannot lose a value (U8, I8, I16, I32 to a wider signed
 * type; BOOL to any integer type).
 */
final class ElementConverter {
    /** Elements per scratch chunk. */
    private static final int CHUNK = 8192;

    private ElementConverter() {}

    /**
     * Whether {@link #convert} handles the pair.
     *
     * @param from the source dtype
     * @param to the destination dtype
     * @return true if supported
     */
    static boolean supports(SafetensorsDtype from, SafetensorsDtype to) {
        if (from == to) {
            return true;
        }
        if (from.isFloatingPoint() && to.isFloatingPoint()) {
            return true;
        }
        if (to.isInteger() && to != SafetensorsDtype.U8) {
            if (from == SafetensorsDtype.BOOL) {
                return true;
            }
            return from.isInteger() && from.byteSize() < to.byteSize();
        }
        return to == SafetensorsDtype.U8 && from == SafetensorsDtype.BOOL;
    }

    /**
     * Converts {@code count} elements. Both buffers' positions advance; their byte order is ignored (the data is
     * read and written little-endian).
     *
     * @param from dtype of the source elements
     * @param src the source bytes, at least {@code count * from.byteSize()} remaining
     * @param to dtype to produce
     * @param dst the destination, at least {@code count * to.byteSize()} remaining
     * @param count the number of elements
     * @throws IllegalArgumentException for an unsupported pair (see {@link #supports})
     */
    static void convert(SafetensorsDtype from, ByteBuffer src, SafetensorsDtype to, ByteBuffer dst, int count) {
        if (!supports(from, to)) {
            throw new IllegalArgumentException("cannot convert " + from + " to " + to);
        }
        ByteBuffer in = src.slice().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = dst.slice().order(ByteOrder.LITTLE_ENDIAN);
        long inBytes = (long) count * from.byteSize();
        long outBytes = (long) count * to.byteSize();
        if (in.remaining() < inBytes || out.remaining() < outBytes) {
            throw new IllegalArgumentException("buffers too small for " + count + " elements: " + in.remaining()
                    + " source bytes, " + out.remaining() + " destination bytes");
        }
        if (from == to) {
            in.limit((int) inBytes);
            out.put(in);
        } else if (from == SafetensorsDtype.BF16 && to == SafetensorsDtype.F32) {
            bf16ToF32(in, out, count);
        } else if (from.isFloatingPoint()) {
            viaFloat(from, in, to, out, count);
        } else {
            viaLong(from, in, to, out, count);
        }
        src.position(src.position() + (int) inBytes);
        dst.position(dst.position() + (int) outBytes);
    }

    private static void bf16ToF32(ByteBuffer in, ByteBuffer out, int count) {
        short[] halves = new short[Math.min(CHUNK, count)];
        int[] words = new int[halves.length];
        var shorts = in.asShortBuffer();
        var ints = out.asIntBuffer();
        for (int done = 0; done < count; ) {
            int n = Math.min(halves.length, count - done);
            shorts.get(halves, 0, n);
            for (int i = 0; i < n; i++) {
                words[i] = (halves[i] & 0xffff) << 16;
            }
            ints.put(words, 0, n);
            done += n;
        }
    }

    private static void viaFloat(SafetensorsDtype from, ByteBuffer in, SafetensorsDtype to, ByteBuffer out, int count) {
        float[] values = new float[Math.min(CHUNK, count)];
        short[] halves = new short[values.length];
        double[] doubles = new double[values.length];
        for (int done = 0; done < count; ) {
            int n = Math.min(values.length, count - done);
            switch (from) {
                case F32 -> in.asFloatBuffer().get(values, 0, n);
                case F64 -> {
                    in.asDoubleBuffer().get(doubles, 0, n);
                    for (int i = 0; i < n; i++) {
                        values[i] = (float) doubles[i];
                    }
                }
                case F16 -> {
                    in.asShortBuffer().get(halves, 0, n);
                    for (int i = 0; i < n; i++) {
                        values[i] = HalfFloats.fp16ToFloat(halves[i]);
                    }
                }
                case BF16 -> {
                    in.asShortBuffer().get(halves, 0, n);
                    for (int i = 0; i < n; i++) {
                        values[i] = HalfFloats.bf16ToFloat(halves[i]);
                    }
                }
                default -> throw new IllegalStateException(from.name());
            }
            in.position(in.position() + n * from.byteSize());
            switch (to) {
                case F32 -> out.asFloatBuffer().put(values, 0, n);
                case F64 -> {
                    for (int i = 0; i < n; i++) {
                        doubles[i] = values[i];
                    }
                    out.asDoubleBuffer().put(doubles, 0, n);
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        halves[i] = HalfFloats.floatToFp16(values[i]);
                    }
                    out.asShortBuffer().put(halves, 0, n);
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        halves[i] = HalfFloats.floatToBf16(values[i]);
                    }
                    out.asShortBuffer().put(halves, 0, n);
                }
                default -> throw new IllegalStateException(to.name());
            }
            out.position(out.position() + n * to.byteSize());
            done += n;
        }
    }

    private static void viaLong(SafetensorsDtype from, ByteBuffer in, SafetensorsDtype to, ByteBuffer out, int count) {
        for (int i = 0; i < count; i++) {
            long v =
                    switch (from) {
                        case BOOL, U8 -> in.get() & 0xffL;
                        case I8 -> in.get();
                        case I16 -> in.getShort();
                        case I32 -> in.getInt();
                        case I64 -> in.getLong();
                        default -> throw new IllegalStateException(from.name());
                    };
            switch (to) {
                case U8, I8 -> out.put((byte) v);
                case I16 -> out.putShort((short) v);
                case I32 -> out.putInt((int) v);
                case I64 -> out.putLong(v);
                default -> throw new IllegalStateException(to.name());
            }
        }
    }
}
