package ai.llamafactory.peft.lora;

/** How a new adapter's A and B matrices start (PEFT's {@code init_lora_weights}). */
public enum LoraInit {
    /**
     * PEFT's default ({@code true}): A from Kaiming-uniform with {@code a = sqrt(5)}, i.e. uniform in
     * {@code [-1/sqrt(in), 1/sqrt(in)]}; B zero, so the adapter starts as the identity.
     */
    DEFAULT,
    /** {@code "gaussian"}: A from N(0, 1/r), B zero. */
    GAUSSIAN,
    /**
     * {@code "pissa"} / {@code "pissa_niter_N"}: A and B from the principal singular vectors of the base weight (the
     * first r singular values split evenly between them, divided by the scaling), and the base weight replaced by
     * the residual {@code W - scaling * B A}, so the model's output is unchanged.
     */
    PISSA
}
