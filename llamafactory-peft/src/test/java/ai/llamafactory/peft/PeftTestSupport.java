package ai.llamafactory.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.testing.Conformance;
import ai.llamafactory.testing.TensorAssertions;
import java.nio.file.Path;
import java.util.Map;

/** Test helpers of the peft tests: base models of conformance adapters, forward and backward passes, comparisons. */
public final class PeftTestSupport {
    private PeftTestSupport() {}

    /**
     * @param adapterDir {@code adapters/NAME}
     * @return {@code models/PREFIX} where PREFIX is NAME up to its last underscore
     */
    public static Path baseModelOf(Path adapterDir) {
        String name = adapterDir.getFileName().toString();
        int u = name.lastIndexOf('_');
        return Conformance.requireFolder("models/" + (u < 0 ? name : name.substring(0, u)));
    }

    /** The logits and loss of one forward. */
    public record Forward(float[] logits, double loss) {}

    /**
     * Runs the model on golden inputs without gradients.
     *
     * @param model the model
     * @param golden golden tensors (input_ids, attention_mask, labels)
     * @return logits and loss
     */
    public static Forward forward(CausalLm model, Map<String, NDArray> golden) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray ids = golden.get("input_ids").duplicate();
            ids.attach(step);
            NDArray hidden = model.hiddenStates(ForwardInput.of(ids, golden.get("attention_mask")));
            float[] logits = model.logits(hidden).toFloatArray();
            CausalLmLoss.Result r = CausalLmLoss.compute(
                    hidden, model.lmHeadWeight(step), golden.get("labels"), CausalLmLoss.Options.defaults());
            return new Forward(logits, r.loss());
        }
    }

    /**
     * Runs forward and backward on golden inputs; gradients accumulate in the trainable parameters.
     *
     * @param model the model
     * @param golden golden tensors
     * @return the loss
     */
    public static double backward(CausalLm model, Map<String, NDArray> golden) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray ids = golden.get("input_ids").duplicate();
            ids.attach(step);
            try (GradientCollector gc = DjlEngine.get().newGradientCollector()) {
                NDArray hidden = model.hiddenStates(ForwardInput.of(ids, golden.get("attention_mask")));
                CausalLmLoss.Result r = CausalLmLoss.compute(
                        hidden, model.lmHeadWeight(step), golden.get("labels"), CausalLmLoss.Options.defaults());
                gc.backward(r.backwardTarget());
                return r.loss();
            }
        }
    }

    /**
     * Forward and backward through the full logits with Hugging Face's loss written the plain way (log-softmax,
     * gather, masked mean), for checking the chunked loss's gradients.
     *
     * @param model the model
     * @param golden golden tensors
     * @return the loss
     */
    public static double backwardThroughFullLogits(CausalLm model, Map<String, NDArray> golden) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray ids = golden.get("input_ids").duplicate();
            ids.attach(step);
            try (GradientCollector gc = DjlEngine.get().newGradientCollector()) {
                NDArray logits = model.logits(model.hiddenStates(ForwardInput.of(ids, golden.get("attention_mask"))));
                long t = logits.getShape().get(1);
                NDArray labels = golden.get("labels").get(":, 1:");
                NDArray valid = labels.neq(-100).toType(DataType.FLOAT32, false);
                NDArray logp = logits.get(":, :{}, :", t - 1)
                        .logSoftmax(-1)
                        .gather(labels.clip(0, Long.MAX_VALUE).expandDims(-1), -1)
                        .squeeze(-1);
                NDArray loss = logp.mul(valid).sum().neg().div(valid.sum());
                gc.backward(loss);
                return loss.getFloat();
            }
        }
    }

    /**
     * Max |a - b| over positions whose attention mask is 1 (logits [B, T, V] flattened).
     *
     * @param a logits
     * @param b reference logits
     * @param mask attention mask [B, T]
     * @return the largest difference
     */
    public static double maxMaskedDiff(float[] a, float[] b, NDArray mask) {
        return TensorAssertions.maxMaskedDiff(a, b, mask);
    }

    /**
     * @param a values
     * @param b reference
     * @return max |a - b|
     */
    public static double maxDiff(float[] a, float[] b) {
        return TensorAssertions.maxAbsDiff(a, b);
    }

    /**
     * @param a values
     * @return max |a|
     */
    public static double maxAbs(float[] a) {
        return TensorAssertions.maxAbs(a);
    }

    /**
     * Replaces every tensor of an adapter whose path contains {@code part} with N(0, std) values drawn from a seeded
     * Java generator (so the adapter changes the output).
     *
     * @param params adapter parameters
     * @param part e.g. {@code .lora_B.}
     * @param seed the seed
     * @param std the standard deviation
     */
    public static void randomize(
            Map<String, ai.llamafactory.core.nn.Param> params, String part, long seed, double std) {
        java.util.Random rnd = new java.util.Random(seed);
        for (Map.Entry<String, ai.llamafactory.core.nn.Param> e : params.entrySet()) {
            if (!e.getKey().contains(part)) {
                continue;
            }
            NDArray old = e.getValue().array();
            float[] v = new float[Math.toIntExact(old.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * std);
            }
            e.getValue().set(old.getManager().create(v, old.getShape()));
        }
    }

    /**
     * Reads every trainable parameter's gradient and zeroes it.
     *
     * @param params path to parameter
     * @return path to gradient values
     */
    public static Map<String, float[]> takeGradients(Map<String, ai.llamafactory.core.nn.Param> params) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, ai.llamafactory.core.nn.Param> e : params.entrySet()) {
            if (e.getValue().isTrainable()) {
                try (NDArray g = e.getValue().array().getGradient()) {
                    out.put(e.getKey(), g.toFloatArray());
                    g.subi(g);
                }
            }
        }
        return out;
    }

    /** @return the llama conformance model folder (fails the test, naming the folder, when absent) */
    public static Path llama() {
        return Conformance.requireFolder("models/llama");
    }

    /**
     * @param name a conformance model name
     * @return its folder (fails the test, naming the folder, when absent)
     */
    public static Path model(String name) {
        return Conformance.requireFolder("models/" + name);
    }
}
