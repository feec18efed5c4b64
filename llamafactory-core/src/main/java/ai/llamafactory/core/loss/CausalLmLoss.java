package ai.llamafactory.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.core.kernel.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's causal-LM loss (labels shifted by one, {@value #IGNORE_INDEX} ignored, mean over valid targets),
 * computed without ever holding a [B, T, vocab] buffer or keeping one for backward.
 *
 * <p>Only positions with a valid target are projected to the vocabulary, in chunks of rows. For each chunk one fused
 * kernel computes the logits, the fp32 log-softmax, the per-token negative log-likelihood and, analytically, the
 * gradient with respect to the chunk's hidden states (and to the output projection when it is trainable): for a
 * token weight {@code c}, {@code dL/dlogits = c * (softmax - onehot(label))}. The returned
 * {@link Result#backwardTarget()} is a scalar whose gradient equals the loss's gradient
 * ({@code sum(h * dh) + sum(W * dW)} with {@code dh}, {@code dW} constant), so {@code GradientCollector.backward}
 * on it back-propagates exactly the loss through the decoder.
 */
public final class CausalLmLoss {
    /** Label value excluded from the loss. */
    public static final int IGNORE_INDEX = -100;

    /** Default budget of fp32 logit elements per chunk (128 MiB). */
    public static final long DEFAULT_CHUNK_ELEMENTS = 1L << 25;

    private CausalLmLoss() {}

    /**
     * How per-token losses are weighted.
     *
     * @param chunkElements logit elements per chunk (rows = chunkElements / vocab, at least 1)
     * @param dft DFT loss ({@code use_dft_loss}): each token's loss scaled by its (detached) target probability
     * @param normalizer divisor of the summed token losses; 0 means the number of valid targets (the mean)
     */
    public record Options(long chunkElements, boolean dft, double normalizer) {
        /** @return mean cross-entropy with the default chunk size */
        public static Options defaults() {
            return new Options(DEFAULT_CHUNK_ELEMENTS, false, 0);
        }

        /**
         * @param value true for the DFT loss
         * @return a copy with the DFT flag set
         */
        public Options withDft(boolean value) {
            return new Options(chunkElements, value, normalizer);
        }
    }

    /**
     * The outcome of one loss computation.
     *
     * @param loss the loss value (NaN when no target is valid)
     * @param validTokens number of targets that counted
     * @param correctTokens number of targets the argmax predicted (token accuracy numerator)
     * @param tokenNll the per-target negative log-likelihoods, in target order (row by row)
     * @param targetRows the batch row of each target
     * @param targetCorrect whether the argmax predicted each target
     * @param backwardTarget a scalar to call backward on; null outside grad mode or when no target is valid
     */
    public record Result(
            double loss,
            long validTokens,
            long correctTokens,
            float[] tokenNll,
            int[] targetRows,
            boolean[] targetCorrect,
            NDArray backwardTarget) {

        /**
         * Token accuracy per batch row, averaged over rows that have targets (LLaMA-Factory's compute_accuracy).
         *
         * @param rows the batch size
         * @return per-row accuracy, NaN for rows without targets
         */
        public double[] rowAccuracy(int rows) {
            double[] correct = new double[rows];
            double[] total = new double[rows];
            for (int i = 0; i < targetRows.length; i++) {
                total[targetRows[i]]++;
                if (targetCorrect[i]) {
                    correct[targetRows[i]]++;
                }
            }
            double[] out = new double[rows];
            for (int r = 0; r < rows; r++) {
                out[r] = total[r] == 0 ? Double.NaN : correct[r] / total[r];
            }
            return out;
        }
    }

    /**
     * Computes the loss of one batch.
     *
     * @param hidden final hidden states [B, T, H] (the graph to back-propagate into)
     * @param lmHead the output projection [V, H]
     * @param labels [B, T] int64 labels, {@value #IGNORE_INDEX} for ignored positions (not yet shifted)
     * @param options weighting and chunking
     * @return the loss and a backward target
     * @throws IllegalArgumentException if a label is outside the vocabulary
     */
    public static Result compute(NDArray hidden, NDArray lmHead, NDArray labels, Options options) {
        long b = hidden.getShape().get(0);
        long t = hidden.getShape().get(1);
        long h = hidden.getShape().get(2);
        long vocab = lmHead.getShape().get(0);
        if (!labels.getShape().equals(new Shape(b, t))) {
            throw new IllegalArgumentException("labels " + labels.getShape() + " must be [" + b + ", " + t + "]");
        }
        long[] lab = labels.toType(DataType.INT64, false).toLongArray();
        List<Long> rows = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        List<Integer> batchRows = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j + 1 < t; j++) {
                long y = lab[(int) (i * t + j + 1)];
                if (y == IGNORE_INDEX) {
                    continue;
                }
                if (y < 0 || y >= vocab) {
                    throw new IllegalArgumentException("label " + y + " at batch row " + i + ", position " + (j + 1)
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
                rows.add(i * t + j);
                targets.add(y);
                batchRows.add(i);
            }
        }
        int n = rows.size();
        if (n == 0) {
            return new Result(Double.NaN, 0, 0, new float[0], new int[0], new boolean[0], null);
        }
        NDManager step = hidden.getManager();
        double scale = 1.0 / (options.normalizer() > 0 ? options.normalizer() : n);
        // Whether `hidden` is part of a graph cannot be asked of the engine reliably (its JNI answers false for
        // non-leaf tensors), so in grad mode a backward target is always built; callers with nothing trainable
        // before the head simply do not call backward on it.
        boolean needInputGrad = DjlEngine.isGradMode();
        // The head may be computed from trainable tensors (an adapter on lm_head): then it is no leaf and only
        // torch's requires_grad tells.
        boolean needHeadGrad = DjlEngine.isGradMode() && (lmHead.hasGradient() || Kernels.requiresGrad(lmHead));
        NDArray rowIndex =
                EngineArrays.of(step, rows.stream().mapToLong(Long::longValue).toArray());
        NDArray flat = hidden.reshape(b * t, h);
        NDArray selected = flat.get(rowIndex);
        NDArray y = EngineArrays.of(
                step, targets.stream().mapToLong(Long::longValue).toArray());
        long chunkRows = Math.max(1, options.chunkElements() / vocab);
        float[] nll = new float[n];
        boolean[] hit = new boolean[n];
        long correct = 0;
        List<NDArray> dh = new ArrayList<>();
        NDArray dw = null;
        boolean wasGrad = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try {
            NDArray values = selected.stopGradient();
            NDArray head = lmHead.stopGradient();
            head.attach(step);
            NDArray coef = step.full(new Shape(n), (float) scale);
            for (long s = 0; s < n; s += chunkRows) {
                long e = Math.min(n, s + chunkRows);
                NDIndex range = new NDIndex("{}:{}", s, e);
                NDList out = chunkKernel(needHeadGrad, options.dft(), values)
                        .callAll(values.get(range), head, y.get(range), coef.get(range));
                float[] chunkNll = out.get(0).toFloatArray();
                System.arraycopy(chunkNll, 0, nll, (int) s, chunkNll.length);
                long[] pred = out.get(2).toLongArray();
                for (int k = 0; k < pred.length; k++) {
                    if (pred[k] == targets.get((int) s + k)) {
                        hit[(int) s + k] = true;
                        correct++;
                    }
                }
                dh.add(out.get(1));
                if (needHeadGrad) {
                    dw = dw == null ? out.get(3) : dw.addi(out.get(3));
                }
            }
        } finally {
            DjlEngine.setGradMode(wasGrad);
        }
        double sum = 0;
        for (float v : nll) {
            sum += options.dft() ? Math.exp(-v) * v : v;
        }
        double loss = sum * scale;
        NDArray target = null;
        if (needInputGrad || needHeadGrad) {
            NDArray gradH = dh.size() == 1 ? dh.get(0) : ai.djl.ndarray.NDArrays.concat(new NDList(dh), 0);
            target = needInputGrad ? selected.mul(gradH).sum() : null;
            if (needHeadGrad) {
                NDArray headTerm = dw.mul(lmHead).sum();
                target = target == null ? headTerm : target.add(headTerm);
            }
        }
        return new Result(
                loss,
                n,
                correct,
                nll,
                batchRows.stream().mapToInt(Integer::intValue).toArray(),
                hit,
                target);
    }

    private static ai.llamafactory.core.kernel.TorchScriptKernel chunkKernel(
            boolean headGrad, boolean dft, NDArray like) {
        String body = "x = torch.log_softmax(torch.linear(h, w), -1, 6)\n"
                + "yi = torch.unsqueeze(y, 1)\n"
                + "nll = torch.neg(torch.squeeze(torch.gather(x, 1, yi), 1))\n"
                + "pred = torch.argmax(x, -1)\n"
                + "x = torch.exp_(x)\n"
                + "x = torch.scatter_add_(x, 1, yi, torch.neg(torch.ones_like(torch.unsqueeze(nll, 1))))\n"
                + (dft ? "c = torch.mul(c, torch.exp(torch.neg(nll)))\n" : "")
                + "x = torch.mul_(x, torch.unsqueeze(c, 1))\n"
                + "x = torch.to(x, ops.prim.dtype(w))\n"
                + "dh = torch.matmul(x, w)\n"
                + (headGrad
                        ? "dw = torch.matmul(torch.t(x), h)\nreturn (nll, dh, pred, dw)"
                        : "return (nll, dh, pred)");
        String ret = headGrad ? "Tuple[Tensor, Tensor, Tensor, Tensor]" : "Tuple[Tensor, Tensor, Tensor]";
        return Kernels.kernel(
                "causal_lm_loss", List.of("h: Tensor", "w: Tensor", "y: Tensor", "c: Tensor"), ret, body, like);
    }
}
