package ai.llamafactory.core.kernel;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library's TorchScript kernels, compiled once per device and source and kept for the life of the JVM (each is a
 * few kilobytes). All of them are differentiable.
 */
public final class Kernels {
    private static final Map<String, TorchScriptKernel> CACHE = new ConcurrentHashMap<>();
    private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();

    private Kernels() {}

    /**
     * Scaled dot-product attention with an additive float mask (0 where allowed, a large negative value where not).
     * Grouped-query attention is handled natively: {@code k} and {@code v} may have fewer heads than {@code q}.
     *
     * @param q queries [B, H, T, D]
     * @param k keys [B, KV, S, D]
     * @param v values [B, KV, S, D]
     * @param mask additive mask broadcastable to [B, H, T, S], in q's dtype; null when every query sees every key
     *     (one decoding step without padding)
     * @param scale the softmax scale (usually 1/sqrt(D))
     * @return attention output [B, H, T, D]
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, double scale) {
        boolean gqa = q.getShape().get(1) != k.getShape().get(1);
        if (mask == null) {
            String body = String.format(
                    Locale.ROOT,
                    "return torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=%s, enable_gqa=%s)",
                    Double.toString(scale),
                    gqa ? "True" : "False");
            return kernel("attention_unmasked", List.of("q: Tensor", "k: Tensor", "v: Tensor"), body, q)
                    .call(q, k, v);
        }
        String body = String.format(
                Locale.ROOT,
                "return torch.scaled_dot_product_attention(q, k, v, mask, 0., False, scale=%s, enable_gqa=%s)",
                Double.toString(scale),
                gqa ? "True" : "False");
        return kernel("attention", List.of("q: Tensor", "k: Tensor", "v: Tensor", "mask: Tensor"), body, q)
                .call(q, k, v, mask);
    }

    /**
     * Differentiable dtype conversion (DJL's {@code toType} cuts the autograd graph).
     *
     * @param x the tensor
     * @param type FLOAT32 or FLOAT16
     * @return x in the requested dtype; x itself if it already has it
     */
    public static NDArray cast(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        String torchType =
                switch (type) {
                    case FLOAT32 -> "6";
                    case FLOAT16 -> "5";
                    case FLOAT64 -> "7";
                    default -> throw new IllegalArgumentException("cast: unsupported target dtype " + type);
                };
        return kernel("cast_" + type, List.of("x: Tensor"), "return torch.to(x, " + torchType + ")", x)
                .call(x);
    }

    /**
     * RMS normalisation as Hugging Face's Llama/Gemma code computes it: in fp32, then the result cast back to the
     * input dtype and scaled by the weight ({@code weight * norm(x)}; {@code (1 + weight) * norm(x)} when
     * {@code unitOffset}).
     *
     * @param x input [..., D]
     * @param weight [D]
     * @param eps epsilon added to the mean square
     * @param unitOffset true for Gemma's {@code (1 + w)} scaling
     * @return normalised tensor, in x's dtype
     */
    public static NDArray rmsNorm(NDArray x, NDArray weight, double eps, boolean unitOffset) {
        String e = Double.toString(eps);
        String body;
        if (unitOffset) {
            // Gemma: the product is taken in fp32, then cast.
            body = "h = torch.to(x, 6)\n"
                    + "h = torch.mul(h, torch.rsqrt(torch.add(torch.mean(torch.mul(h, h), [-1], True), " + e + ")))\n"
                    + "return torch.to(torch.mul(h, torch.add(torch.to(w, 6), 1.)), ops.prim.dtype(x))";
        } else {
            body = "h = torch.to(x, 6)\n"
                    + "h = torch.mul(h, torch.rsqrt(torch.add(torch.mean(torch.mul(h, h), [-1], True), " + e + ")))\n"
                    + "return torch.mul(w, torch.to(h, ops.prim.dtype(x)))";
        }
        return kernel("rms_norm", List.of("x: Tensor", "w: Tensor"), body, x).call(x, weight);
    }

    /**
     * Whether autograd tracks a tensor: true for a trainable leaf and for any result computed from one in grad mode
     * (DJL's {@code hasGradient} answers false for the latter, and its JNI offers no safe test).
     *
     * @param x the tensor
     * @return torch's {@code x.requires_grad}
     */
    public static boolean requiresGrad(NDArray x) {
        try (NDArray flag = kernel(
                        "requires_grad", List.of("x: Tensor"), "return torch.tensor(ops.prim.requires_grad(x))", x)
                .call(x)) {
            return flag.getBoolean();
        }
    }

    /**
     * Looks up or compiles a kernel for the device of {@code like}.
     *
     * @param name name for error messages
     * @param parameters TorchScript parameters of forward
     * @param body forward's statements
     * @param like a tensor on the target device
     * @return the kernel
     */
    public static TorchScriptKernel kernel(String name, List<String> parameters, String body, NDArray like) {
        return kernel(name, parameters, "Tensor", body, like);
    }

    /**
     * Looks up or compiles a kernel with any return type for the device of {@code like}.
     *
     * @param name name for error messages
     * @param parameters TorchScript parameters of forward
     * @param returnType TorchScript return type
     * @param body forward's statements
     * @param like a tensor on the target device
     * @return the kernel
     */
    public static TorchScriptKernel kernel(
            String name, List<String> parameters, String returnType, String body, NDArray like) {
        Device device = like.getDevice();
        String key = device + "|" + parameters + "|" + returnType + "|" + body;
        TorchScriptKernel k = CACHE.get(key);
        if (k == null) {
            synchronized (CACHE) {
                k = CACHE.get(key);
                if (k == null) {
                    NDManager m = MANAGERS.computeIfAbsent(
                            device,
                            d -> NDManager.newBaseManager(d, DjlEngine.get().getEngineName()));
                    k = TorchScriptKernel.compile(name, parameters, returnType, body, m);
                    CACHE.put(key, k);
                }
            }
        }
        return k;
    }
}
