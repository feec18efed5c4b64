package ai.llamafactory.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.config.OptimizerType;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stochastic gradient descent exactly as {@code torch.optim.SGD} (not maximizing). For parameter {@code w} with
 * gradient {@code g}, learning rate {@code lr}, weight decay {@code wd}, momentum {@code mu} and dampening
 * {@code tau}:
 *
 * <pre>
 * d = g + wd * w                                   (L2 weight decay, coupled)
 * if mu != 0:
 *     buf = d                      on the first update of the parameter
 *     buf = mu * buf + (1 - tau) * d               afterwards
 *     d = nesterov ? d + mu * buf : buf
 * w = w - lr * d
 * </pre>
 */
public final class Sgd extends AbstractOptimizer {
    /** Slot of the momentum buffer. */
    public static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final SgdConfig config;

    /**
     * Creates the optimizer.
     *
     * @param groups the parameter groups
     * @param config momentum, dampening, Nesterov
     * @throws IllegalArgumentException if the groups are empty, hold duplicates, arrays without gradient or arrays
     *     on different devices
     */
    public Sgd(List<ParamGroup> groups, SgdConfig config) {
        super(OptimizerType.SGD, groups);
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the hyperparameters */
    public SgdConfig config() {
        return config;
    }

    @Override
    protected void update(ParamEntry p, NDArray grad, double lr, double weightDecay, StepContext ctx) {
        NDArray w = p.param();
        NDArray d = grad;
        if (weightDecay != 0) {
            d.addi(ctx.temp(ctx.scalar(weightDecay).mul(w)));
        }
        double mu = config.momentum();
        if (mu != 0) {
            NDArray buf;
            if (!p.hasSlot(MOMENTUM_BUFFER)) {
                buf = d.duplicate();
                p.putSlot(MOMENTUM_BUFFER, buf);
            } else {
                buf = p.slot(MOMENTUM_BUFFER, w.getShape());
                buf.muli(ctx.scalar(mu));
                double keep = 1 - config.dampening();
                buf.addi(keep == 1 ? d : ctx.temp(ctx.scalar(keep).mul(d)));
            }
            if (config.nesterov()) {
                d.addi(ctx.temp(ctx.scalar(mu).mul(buf)));
            } else {
                d = buf;
            }
        }
        w.addi(ctx.temp(ctx.scalar(-lr).mul(d)));
    }

    @Override
    protected Map<String, Shape> slotShapes(Shape parameterShape) {
        return config.momentum() != 0 ? Map.of(MOMENTUM_BUFFER, parameterShape) : Map.of();
    }
}
