package ai.llamafactory.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.config.OptimizerType;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adam with decoupled weight decay, exactly as {@code torch.optim.AdamW} (non-amsgrad, not maximizing). For
 * parameter {@code w} with gradient {@code g}, learning rate {@code lr}, weight decay {@code wd} and its own step
 * count {@code t}:
 *
 * <pre>
 * w = w * (1 - lr * wd)
 * m = b1 * m + (1 - b1) * g
 * v = b2 * v + (1 - b2) * g^2
 * w = w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 *
 * The last line runs as {@code w -= (lr * sqrt(1 - b2^t) / (1 - b1^t)) * m / (sqrt(v) + eps * sqrt(1 - b2^t))},
 * the same value with one kernel fewer. (DJL's own AdamW adds {@code eps} to {@code sqrt(v)} instead, which
 * differs while {@code t} is small.) A step costs 13 eager kernels per parameter plus the gradient reset, two
 * temporaries (the gradient itself serves as scratch space for the moment updates), no host synchronisation;
 * moments are fp32 even for fp16 weights.
 */
public final class AdamW extends AbstractOptimizer {
    /** Slot of the first moment. */
    public static final String EXP_AVG = "exp_avg";
    /** Slot of the second moment. */
    public static final String EXP_AVG_SQ = "exp_avg_sq";

    private final AdamWConfig config;

    /**
     * Creates the optimizer. State is created lazily on each parameter's first update.
     *
     * @param groups the parameter groups (see {@link ParamGroups})
     * @param config betas and epsilon
     * @throws IllegalArgumentException if the groups are empty, hold duplicates, arrays without gradient or arrays
     *     on different devices
     */
    public AdamW(List<ParamGroup> groups, AdamWConfig config) {
        super(OptimizerType.ADAMW_TORCH, groups);
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the hyperparameters */
    public AdamWConfig config() {
        return config;
    }

    @Override
    protected void update(ParamEntry p, NDArray grad, double lr, double weightDecay, StepContext ctx) {
        double b1 = config.beta1();
        double b2 = config.beta2();
        long t = p.step();
        double biasCorrection1 = 1 - Math.pow(b1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
        NDArray w = p.param();
        Shape shape = w.getShape();
        NDArray m = p.slot(EXP_AVG, shape);
        NDArray v = p.slot(EXP_AVG_SQ, shape);

        if (weightDecay != 0) {
            w.muli(ctx.scalar(1 - lr * weightDecay));
        }
        // the gradient is scratch space: g' = (1 - b1) g feeds m, then g'^2 (1 - b2) / (1 - b1)^2 feeds v
        m.muli(ctx.scalar(b1));
        grad.muli(ctx.scalar(1 - b1));
        m.addi(grad);
        grad.muli(grad);
        v.muli(ctx.scalar(b2));
        grad.muli(ctx.scalar((1 - b2) / ((1 - b1) * (1 - b1))));
        v.addi(grad);
        NDArray denom = ctx.temp(v.sqrt());
        denom.addi(ctx.scalar(config.epsilon() * biasCorrection2Sqrt));
        NDArray delta = ctx.temp(m.div(denom));
        delta.muli(ctx.scalar(-lr * biasCorrection2Sqrt / biasCorrection1));
        w.addi(delta);
    }

    @Override
    protected Map<String, Shape> slotShapes(Shape parameterShape) {
        return Map.of(EXP_AVG, parameterShape, EXP_AVG_SQ, parameterShape);
    }
}
