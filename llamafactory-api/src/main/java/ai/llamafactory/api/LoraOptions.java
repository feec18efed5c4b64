package ai.llamafactory.api;

import ai.llamafactory.api.config.FinetuningArguments;
import java.util.Arrays;
import java.util.List;

/**
 * LoRA settings for {@link FineTune#lora(LoraOptions)}. Immutable: every method returns a new object.
 *
 * <pre>{@code
 * FineTune.model("Qwen/Qwen3-0.6B")
 *         .lora(LoraOptions.rank(16).alpha(32).dropout(0.05).target("q_proj", "v_proj").rslora())
 * }</pre>
 *
 * Every LoRA key is set from these options; unset values take LLaMA-Factory's defaults (alpha = 2 * rank, dropout 0,
 * target {@code all}). Values are checked when the configuration is built, with messages naming the LLaMA-Factory key
 * ({@code lora_alpha} ...).
 */
public final class LoraOptions {
    private final int rank;
    private final Integer alpha;
    private final Double dropout;
    private final List<String> target;
    private final List<String> additionalTarget;
    private final boolean rslora;
    private final boolean dora;
    private final boolean pissa;
    private final Integer pissaIterations;
    private final boolean pissaConvert;
    private final Double loraPlusRatio;
    private final Double loraPlusEmbeddingLr;
    private final boolean newAdapter;

    private LoraOptions(
            int rank,
            Integer alpha,
            Double dropout,
            List<String> target,
            List<String> additionalTarget,
            boolean rslora,
            boolean dora,
            boolean pissa,
            Integer pissaIterations,
            boolean pissaConvert,
            Double loraPlusRatio,
            Double loraPlusEmbeddingLr,
            boolean newAdapter) {
        this.rank = rank;
        this.alpha = alpha;
        this.dropout = dropout;
        this.target = target;
        this.additionalTarget = additionalTarget;
        this.rslora = rslora;
        this.dora = dora;
        this.pissa = pissa;
        this.pissaIterations = pissaIterations;
        this.pissaConvert = pissaConvert;
        this.loraPlusRatio = loraPlusRatio;
        this.loraPlusEmbeddingLr = loraPlusEmbeddingLr;
        this.newAdapter = newAdapter;
    }

    /**
     * @param rank the rank r of the LoRA matrices ({@code lora_rank})
     * @return options with that rank and defaults otherwise
     */
    public static LoraOptions rank(int rank) {
        return new LoraOptions(rank, null, null, null, null, false, false, false, null, false, null, null, false);
    }

    /** @return LLaMA-Factory's defaults: rank 8, alpha 16, dropout 0, every linear layer */
    public static LoraOptions defaults() {
        return rank(8);
    }

    /**
     * @param value the scale numerator alpha ({@code lora_alpha})
     * @return new options
     */
    public LoraOptions alpha(int value) {
        return new LoraOptions(
                rank,
                value,
                dropout,
                target,
                additionalTarget,
                rslora,
                dora,
                pissa,
                pissaIterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /**
     * @param value the dropout on the LoRA input, in [0, 1) ({@code lora_dropout})
     * @return new options
     */
    public LoraOptions dropout(double value) {
        return new LoraOptions(
                rank,
                alpha,
                value,
                target,
                additionalTarget,
                rslora,
                dora,
                pissa,
                pissaIterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /**
     * @param modules the module names that receive adapters, e.g. {@code q_proj}, or {@code all} ({@code lora_target})
     * @return new options
     */
    public LoraOptions target(String... modules) {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                List.copyOf(Arrays.asList(modules)),
                additionalTarget,
                rslora,
                dora,
                pissa,
                pissaIterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /**
     * @param modules modules trained in full and saved with the adapter, e.g. {@code embed_tokens}
     *     ({@code additional_target})
     * @return new options
     */
    public LoraOptions additionalTarget(String... modules) {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                List.copyOf(Arrays.asList(modules)),
                rslora,
                dora,
                pissa,
                pissaIterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /** @return new options with rank-stabilised scaling alpha / sqrt(r) ({@code use_rslora}) */
    public LoraOptions rslora() {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                additionalTarget,
                true,
                dora,
                pissa,
                pissaIterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /** @return new options with DoRA, weight-decomposed LoRA ({@code use_dora}) */
    public LoraOptions dora() {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                additionalTarget,
                rslora,
                true,
                pissa,
                pissaIterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /** @return new options with PiSSA initialisation and LLaMA-Factory's 16 fast-SVD iterations ({@code pissa_init}) */
    public LoraOptions pissa() {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                additionalTarget,
                rslora,
                dora,
                true,
                pissaIterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /**
     * @param iterations fast-SVD iterations, or -1 for an exact SVD ({@code pissa_iter})
     * @return new options with PiSSA initialisation
     */
    public LoraOptions pissa(int iterations) {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                additionalTarget,
                rslora,
                dora,
                true,
                iterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /** @return new options that also save the PiSSA adapter converted to plain LoRA ({@code pissa_convert}) */
    public LoraOptions pissaConvert() {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                additionalTarget,
                rslora,
                dora,
                pissa,
                pissaIterations,
                true,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /**
     * @param ratio the learning rate of the B matrices over that of the A matrices ({@code loraplus_lr_ratio})
     * @return new options with LoRA+
     */
    public LoraOptions loraPlus(double ratio) {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                additionalTarget,
                rslora,
                dora,
                pissa,
                pissaIterations,
                pissaConvert,
                ratio,
                loraPlusEmbeddingLr,
                newAdapter);
    }

    /**
     * @param ratio the learning rate of the B matrices over that of the A matrices ({@code loraplus_lr_ratio})
     * @param embeddingLearningRate the learning rate of LoRA embedding layers ({@code loraplus_lr_embedding})
     * @return new options with LoRA+
     */
    public LoraOptions loraPlus(double ratio, double embeddingLearningRate) {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                additionalTarget,
                rslora,
                dora,
                pissa,
                pissaIterations,
                pissaConvert,
                ratio,
                embeddingLearningRate,
                newAdapter);
    }

    /** @return new options that train a fresh adapter on top of loaded ones ({@code create_new_adapter}) */
    public LoraOptions newAdapter() {
        return new LoraOptions(
                rank,
                alpha,
                dropout,
                target,
                additionalTarget,
                rslora,
                dora,
                pissa,
                pissaIterations,
                pissaConvert,
                loraPlusRatio,
                loraPlusEmbeddingLr,
                true);
    }

    /** Sets every LoRA key of the method arguments: given options, LLaMA-Factory's defaults for the others. */
    void applyTo(FinetuningArguments.Builder b) {
        FinetuningArguments d = FinetuningArguments.defaults();
        b.loraRank(rank)
                .loraAlpha(alpha)
                .loraDropout(dropout != null ? dropout : d.loraDropout())
                .loraTarget(target != null ? target : d.loraTarget())
                .additionalTarget(additionalTarget != null ? additionalTarget : d.additionalTarget())
                .useRslora(rslora)
                .useDora(dora)
                .pissaInit(pissa)
                .pissaIter(pissaIterations != null ? pissaIterations : d.pissaIter())
                .pissaConvert(pissaConvert)
                .loraplusLrRatio(loraPlusRatio)
                .loraplusLrEmbedding(loraPlusEmbeddingLr != null ? loraPlusEmbeddingLr : d.loraplusLrEmbedding())
                .createNewAdapter(newAdapter);
    }

    @Override
    public String toString() {
        return "LoraOptions{rank=" + rank + ", alpha=" + (alpha == null ? "2*rank" : alpha) + ", dropout=" + dropout
                + ", target=" + target + ", rslora=" + rslora + ", dora=" + dora + ", pissa=" + pissa
                + ", loraPlusRatio=" + loraPlusRatio + "}";
    }
}
