package ai.llamafactory.api.config;

/**
 * Numeric precision requested for computation. The engine never computes in bfloat16 (DJL's PyTorch JNI cannot
 * represent it); {@link #BF16} is accepted for compatibility with LLaMA-Factory configs and runs as {@link #FP16} on a
 * GPU and {@link #FP32} on a CPU.
 */
public enum Precision {
    /** fp32 on CPU, fp16 compute with fp32 trainable parameters and loss on CUDA. */
    AUTO,
    /** Everything in fp32. */
    FP32,
    /** fp16 compute with fp32 trainable parameters and loss (CUDA only; falls back to fp32 on CPU). */
    FP16,
    /** Accepted from configs ({@code bf16: true}); computed as {@link #FP16} on CUDA and {@link #FP32} on CPU. */
    BF16
}
