package ai.llamafactory.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.EngineArrays;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Global gradient-norm clipping with the semantics of {@code torch.nn.utils.clip_grad_norm_} (L2 norm):
 *
 * <pre>
 * total = sqrt(sum_i ||g_i||^2)        (computed as the norm of the per-tensor norms, in fp32)
 * coef  = max_norm / (total + 1e-6)
 * if coef &lt; 1: every g_i *= coef
 * return total                          (the norm before clipping)
 * </pre>
 *
 * One norm kernel per gradient, one stack and one norm, a single host synchronisation to read {@code total}, then
 * one in-place multiply per gradient only when clipping. Parameters whose gradient was never computed are skipped.
 *
 * <p>A NaN or infinite total is returned as is and the gradients are left untouched (torch would multiply them by
 * NaN or 0): the trainer decides whether to skip the step or stop. All gradient handles are closed.
 */
public final class GradientClipping {
    private static final float EPSILON = 1e-6f;

    private GradientClipping() {}

    /**
     * Clips the gradients of {@code params} in place so that their global L2 norm is at most {@code maxNorm}.
     *
     * @param params trainable PyTorch arrays (all on one device)
     * @param maxNorm the largest allowed global norm ({@code max_grad_norm}), &gt; 0
     * @return the global norm before clipping; 0 when no parameter has a gradient; NaN or infinity when a gradient
     *     is not finite
     * @throws IllegalArgumentException if {@code maxNorm} is not a positive finite number or a parameter is not a
     *     PyTorch array
     */
    public static double clipGlobalNorm(Collection<? extends NDArray> params, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("max_grad_norm: must be a finite number > 0, got " + maxNorm);
        }
        return apply(params, maxNorm);
    }

    /**
     * Computes the global L2 norm of the gradients without changing them (for logging {@code grad_norm} when
     * clipping is off).
     *
     * @param params trainable PyTorch arrays (all on one device)
     * @return the global norm; 0 when no parameter has a gradient
     */
    public static double globalNorm(Collection<? extends NDArray> params) {
        return apply(params, Double.NaN);
    }

    private static double apply(Collection<? extends NDArray> params, double maxNorm) {
        if (params.isEmpty()) {
            return 0.0;
        }
        NDArray first = params.iterator().next();
        boolean gradMode = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try (NDManager scratch = DjlEngine.get().newBaseManager(first.getDevice())) {
            List<NDArray> grads = new ArrayList<>(params.size());
            NDList norms = new NDList(params.size());
            for (NDArray p : params) {
                if (!(p instanceof PtNDArray pt)) {
                    throw new IllegalArgumentException("gradient clipping needs PyTorch engine arrays, got "
                            + p.getClass().getName() + (p.getName() != null ? " (" + p.getName() + ")" : ""));
                }
                if (!p.hasGradient()) {
                    continue;
                }
                PtNDArray g = JniUtils.getGradient(pt);
                if (g == null) {
                    continue;
                }
                g.attach(scratch);
                grads.add(g);
                NDArray g32 =
                        g.getDataType() == DataType.FLOAT32 ? g : attach(g.toType(DataType.FLOAT32, false), scratch);
                norms.add(attach(g32.norm(), scratch));
            }
            if (grads.isEmpty()) {
                return 0.0;
            }
            NDArray total = norms.size() == 1
                    ? norms.get(0)
                    : attach(attach(NDArrays.stack(norms), scratch).norm(), scratch);
            float totalNorm = total.getFloat();
            if (Double.isNaN(maxNorm) || !Float.isFinite(totalNorm)) {
                return totalNorm;
            }
            float coef = (float) maxNorm / (totalNorm + EPSILON);
            if (coef < 1f) {
                NDArray scale = EngineArrays.scalar(scratch, coef);
                for (NDArray g : grads) {
                    g.muli(scale);
                }
            }
            return totalNorm;
        } finally {
            DjlEngine.setGradMode(gradMode);
        }
    }

    private static NDArray attach(NDArray array, NDManager manager) {
        array.attach(manager);
        return array;
    }
}
