package ai.llamafactory.api.config;

import java.util.Locale;

/**
 * Numeric precision requested for computation. The engine never computes in bfloat16 (DJL's PyTorch JNI cannot
 * represent it); {@link #BF16} is accepted for compatibility with LLaMA-Factory configs and runs as {@link #FP16} on a
 * GPU and {@link #FP32} on a CPU.
 *
 * <p>In files it is spelt like LLaMA-Factory's {@code infer_dtype}: {@code auto}, {@code float32}, {@code float16},
 * {@code bfloat16}; the short forms {@code fp32}, {@code fp16}, {@code bf16} are accepted too.
 */
public enum Precision {
    /** fp32 on CPU, fp16 compute with fp32 trainable parameters and loss on CUDA. */
    AUTO,
    /** Everything in fp32. */
    FP32,
    /** fp16 compute with fp32 trainable parameters and loss (CUDA only; falls back to fp32 on CPU). */
    FP16,
    /** Accepted from configs ({@code bf16: true}); computed as {@link #FP16} on CUDA and {@link #FP32} on CPU. */
    BF16;

    /**
     * @return the spelling used in configuration files: {@code auto}, {@code float32}, {@code float16} or {@code
     *     bfloat16}
     */
    public String key() {
        switch (this) {
            case FP32:
                return "float32";
            case FP16:
                return "float16";
            case BF16:
                return "bfloat16";
            default:
                return "auto";
        }
    }

    /**
     * Parses a configuration value: {@code auto}, {@code float32}/{@code fp32}, {@code float16}/{@code fp16},
     * {@code bfloat16}/{@code bf16} (case-insensitive).
     *
     * @param key the value of {@code infer_dtype} or {@code export_dtype}
     * @return the precision
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static Precision fromKey(String key) {
        String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
        switch (k) {
            case "fp32":
                return FP32;
            case "fp16":
                return FP16;
            case "bf16":
                return BF16;
            default:
                return EnumKeys.parse(Precision.class, Precision::key, "infer_dtype", k);
        }
    }
}
