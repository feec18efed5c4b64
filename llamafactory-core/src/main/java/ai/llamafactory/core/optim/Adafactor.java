package ai.llamafactory.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.config.OptimizerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adafactor with the semantics of transformers' {@code Adafactor} (after fairseq). For parameter {@code w} with
 * gradient {@code g} and its own step count {@code t}:
 *
 * <pre>
 * rho   = relative_step ? min(warmup_init ? 1e-6 t : 1e-2, 1/sqrt(t)) : lr
 * alpha = scale_parameter ? max(eps2, rms(w)) * rho : rho
 * b2t   = 1 - t^decay_rate
 * s     = g^2 + eps1
 * w &gt;= 2-D (factored over the last two dims):
 *     R = b2t R + (1 - b2t) mean_lastdim(s);   C = b2t C + (1 - b2t) mean_secondlastdim(s)
 *     u = g * rsqrt(R / mean_lastdim(R))[..., None] * rsqrt(C)[..., None, :]
 * w 1-D:
 *     V = b2t V + (1 - b2t) s;   u = g * rsqrt(V)
 * u = alpha * u / max(1, rms(u) / clip_threshold)
 * if beta1: M = beta1 M + (1 - beta1) u;  u = M
 * w = w - wd * alpha * w - u                      (as w.add_(w, alpha=-wd*lr) then w.add_(-u))
 * </pre>
 *
 * rms(x) = ||x||_2 / sqrt(numel(x)). Everything stays on the device: no host synchronisation.
 */
public final class Adafactor extends AbstractOptimizer {
    /** Slot of the first moment (only with beta1). */
    public static final String EXP_AVG = "exp_avg";
    /** Slot of the row statistics of a factored second moment. */
    public static final String EXP_AVG_SQ_ROW = "exp_avg_sq_row";
    /** Slot of the column statistics of a factored second moment. */
    public static final String EXP_AVG_SQ_COL = "exp_avg_sq_col";
    /** Slot of the unfactored second moment (1-D parameters). */
    public static final String EXP_AVG_SQ = "exp_avg_sq";

    private final AdafactorConfig config;

    /**
     * Creates the optimizer.
     *
     * @param groups the parameter groups; with {@code relative_step} their learning rates are ignored
     * @param config the hyperparameters
     * @throws IllegalArgumentException if the groups are empty, hold duplicates, arrays without gradient or arrays
     *     on different devices
     */
    public Adafactor(List<ParamGroup> groups, AdafactorConfig config) {
        super(OptimizerType.ADAFACTOR, groups);
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the hyperparameters */
    public AdafactorConfig config() {
        return config;
    }

    /**
     * The step size {@code rho} before parameter scaling, as transformers' {@code Adafactor._get_lr}.
     *
     * @param groupLr the group's learning rate for the step
     * @param step the parameter's step count (from 1)
     * @return {@code rho}
     */
    double relativeStepSize(double groupLr, long step) {
        if (!config.relativeStep()) {
            return groupLr;
        }
        double minStep = config.warmupInit() ? 1e-6 * step : 1e-2;
        return Math.min(minStep, 1.0 / Math.sqrt(step));
    }

    @Override
    protected void update(ParamEntry p, NDArray grad, double lr, double weightDecay, StepContext ctx) {
        NDArray w = p.param();
        Shape shape = w.getShape();
        long t = p.step();
        double rho = relativeStepSize(lr, t);
        // alpha is a 0-dim array when it depends on rms(w), a scalar otherwise
        NDArray alpha;
        if (config.scaleParameter()) {
            NDArray w32 = w.getDataType() == DataType.FLOAT32 ? w : ctx.temp(w.toType(DataType.FLOAT32, false));
            alpha = rms(w32, ctx).maximum(ctx.scalar(config.eps2()));
            ctx.temp(alpha).muli(ctx.scalar(rho));
        } else {
            alpha = ctx.scalar(rho);
        }
        double beta2t = 1.0 - Math.pow(t, config.decayRate());

        NDArray sq = ctx.temp(grad.mul(grad));
        sq.addi(ctx.scalar(config.eps1()));
        NDArray u;
        if (shape.dimension() >= 2) {
            int dims = shape.dimension();
            NDArray row = p.slot(EXP_AVG_SQ_ROW, rowShape(shape));
            NDArray col = p.slot(EXP_AVG_SQ_COL, colShape(shape));
            NDArray rowMean = ctx.temp(sq.mean(new int[] {dims - 1}));
            NDArray colMean = ctx.temp(sq.mean(new int[] {dims - 2}));
            row.muli(ctx.scalar(beta2t));
            rowMean.muli(ctx.scalar(1.0 - beta2t));
            row.addi(rowMean);
            col.muli(ctx.scalar(beta2t));
            colMean.muli(ctx.scalar(1.0 - beta2t));
            col.addi(colMean);
            NDArray rowFactor = ctx.temp(row.div(ctx.temp(row.mean(new int[] {dims - 2}, true))));
            rowFactor.powi(ctx.scalar(-0.5));
            NDArray colFactor = ctx.temp(col.pow(ctx.scalar(-0.5)));
            u = ctx.temp(ctx.temp(rowFactor.expandDims(dims - 1)).mul(ctx.temp(colFactor.expandDims(dims - 2))));
            u.muli(grad);
        } else {
            NDArray v = p.slot(EXP_AVG_SQ, shape);
            v.muli(ctx.scalar(beta2t));
            sq.muli(ctx.scalar(1.0 - beta2t));
            v.addi(sq);
            u = ctx.temp(v.pow(ctx.scalar(-0.5)));
            u.muli(grad);
        }
        NDArray clip = rms(u, ctx);
        clip.divi(ctx.scalar(config.clipThreshold()));
        u.divi(ctx.temp(clip.maximum(ctx.scalar(1.0))));
        u.muli(alpha);
        if (config.beta1().isPresent()) {
            double b1 = config.beta1().getAsDouble();
            NDArray m = p.slot(EXP_AVG, shape);
            m.muli(ctx.scalar(b1));
            u.muli(ctx.scalar(1.0 - b1));
            m.addi(u);
            u = m;
        }
        if (weightDecay != 0) {
            NDArray decay = ctx.temp(ctx.scalar(-weightDecay).mul(alpha));
            w.addi(ctx.temp(decay.mul(w)));
        }
        w.subi(u);
    }

    /** @return rms(x) = ||x||_2 / sqrt(numel) as a 0-dim array in the step's scratch manager */
    private static NDArray rms(NDArray x, StepContext ctx) {
        NDArray norm = ctx.temp(x.norm());
        norm.divi(ctx.scalar(Math.sqrt(x.size())));
        return norm;
    }

    private static Shape rowShape(Shape shape) {
        return shape.slice(0, shape.dimension() - 1);
    }

    private static Shape colShape(Shape shape) {
        int d = shape.dimension();
        return shape.slice(0, d - 2).addAll(new Shape(shape.get(d - 1)));
    }

    @Override
    protected Map<String, Shape> slotShapes(Shape parameterShape) {
        Map<String, Shape> slots = new LinkedHashMap<>();
        if (config.beta1().isPresent()) {
            slots.put(EXP_AVG, parameterShape);
        }
        if (parameterShape.dimension() >= 2) {
            slots.put(EXP_AVG_SQ_ROW, rowShape(parameterShape));
            slots.put(EXP_AVG_SQ_COL, colShape(parameterShape));
        } else {
            slots.put(EXP_AVG_SQ, parameterShape);
        }
        return slots;
    }
}
