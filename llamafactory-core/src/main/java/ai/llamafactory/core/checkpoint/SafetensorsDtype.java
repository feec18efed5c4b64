package ai.llamafactory.core.checkpoint;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * Element types of the safetensors format that this library reads and writes, with their byte sizes and their
 * counterparts in DJL.
 *
 * <p>Only a subset of DJL's {@link DataType}s can be handed to DJL's PyTorch engine; bfloat16 and int16 arrays abort
 * the JVM there. {@link #engineType()} therefore answers only with engine-safe types, and {@link
 * #defaultEngineType()} names the type a tensor is converted to when no other target is requested.
 */
public enum SafetensorsDtype {
    /** IEEE 754 binary64. */
    F64(8, 12),
    /** IEEE 754 binary32. */
    F32(4, 11),
    /** IEEE 754 binary16. */
    F16(2, 7),
    /** bfloat16: the upper 16 bits of a binary32. No engine type; converted to fp32 or fp16 while loading. */
    BF16(2, 8),
    /** Signed 64-bit integer. */
    I64(8, 13),
    /** Signed 32-bit integer. */
    I32(4, 9),
    /** Signed 16-bit integer. No engine type; widened to int32 while loading. */
    I16(2, 5),
    /** Signed 8-bit integer. */
    I8(1, 2),
    /** Unsigned 8-bit integer. */
    U8(1, 1),
    /** Boolean stored as one byte, 0 or 1. */
    BOOL(1, 0);

    private final int byteSize;
    private final int alignmentRank;

    SafetensorsDtype(int byteSize, int alignmentRank) {
        this.byteSize = byteSize;
        this.alignmentRank = alignmentRank;
    }

    /** @return the number of bytes one element occupies */
    public int byteSize() {
        return byteSize;
    }

    /** @return true for F64, F32, F16 and BF16 */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** @return true for the signed and unsigned integer types (not BOOL) */
    public boolean isInteger() {
        return this == I64 || this == I32 || this == I16 || this == I8 || this == U8;
    }

    /**
     * Position of this type in the Rust {@code safetensors} crate's {@code Dtype} enum, which is declared in
     * increasing alignment order. Python's writer orders tensors by this rank, descending, then by name.
     *
     * @return the rank (higher is written first)
     */
    int alignmentRank() {
        return alignmentRank;
    }

    /**
     * The DJL type holding exactly these bytes, when DJL's PyTorch engine can represent it.
     *
     * @return the engine type, or empty for {@link #BF16} and {@link #I16}
     */
    public Optional<DataType> engineType() {
        switch (this) {
            case F64:
                return Optional.of(DataType.FLOAT64);
            case F32:
                return Optional.of(DataType.FLOAT32);
            case F16:
                return Optional.of(DataType.FLOAT16);
            case I64:
                return Optional.of(DataType.INT64);
            case I32:
                return Optional.of(DataType.INT32);
            case I8:
                return Optional.of(DataType.INT8);
            case U8:
                return Optional.of(DataType.UINT8);
            case BOOL:
                return Optional.of(DataType.BOOLEAN);
            default:
                return Optional.empty();
        }
    }

    /**
     * The engine type a tensor of this dtype is loaded as when the caller does not ask for another one: the same type
     * where the engine has it, FLOAT32 for {@link #BF16} (exact) and INT32 for {@link #I16} (exact).
     *
     * @return an engine-safe DJL type
     */
    public DataType defaultEngineType() {
        switch (this) {
            case BF16:
                return DataType.FLOAT32;
            case I16:
                return DataType.INT32;
            default:
                return engineType().orElseThrow();
        }
    }

    /**
     * Maps a DJL type to the safetensors dtype with the same element layout.
     *
     * @param type a DJL type
     * @return the safetensors dtype (BFLOAT16 maps to {@link #BF16}, INT16 to {@link #I16})
     * @throws IllegalArgumentException for types safetensors or this library cannot store (strings, complex,
     *     unsigned 16/32/64-bit, and {@code UNKNOWN}, which is how DJL reports native bfloat16 tensors)
     */
    public static SafetensorsDtype fromDataType(DataType type) {
        switch (type) {
            case FLOAT64:
                return F64;
            case FLOAT32:
                return F32;
            case FLOAT16:
                return F16;
            case BFLOAT16:
                return BF16;
            case INT64:
                return I64;
            case INT32:
                return I32;
            case INT16:
                return I16;
            case INT8:
                return I8;
            case UINT8:
                return U8;
            case BOOLEAN:
                return BOOL;
            default:
                String hint =
                        type == DataType.UNKNOWN ? " (native bfloat16 tensors report UNKNOWN; cast them first)" : "";
                throw new IllegalArgumentException(
                        "DJL data type " + type + " has no safetensors counterpart here" + hint);
        }
    }

    /**
     * Looks up a dtype by the label used in safetensors headers ({@code "F32"}, {@code "BF16"}, ...).
     *
     * @param label the header label, case-sensitive
     * @return the dtype, or empty when this library does not know the label (e.g. {@code F8_E4M3}, {@code U16})
     */
    public static Optional<SafetensorsDtype> fromLabel(String label) {
        if (label == null) {
            return Optional.empty();
        }
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(label)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
