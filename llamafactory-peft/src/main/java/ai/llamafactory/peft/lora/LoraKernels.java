package ai.llamafactory.peft.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.core.kernel.Kernels;
import java.util.List;

/**
 * The TorchScript kernels of the LoRA family: seeded dropout, DoRA's forward term and weight, and PiSSA's SVD
 * initialisation. All are differentiable where autograd needs them; constants are baked into the kernel source (one
 * compiled kernel per distinct value, cached by {@link Kernels}).
 */
final class LoraKernels {
    private LoraKernels() {}

    private static String num(double v) {
        return Double.toString(v);
    }

    /** A 1-element int64 CPU tensor holding a seed; kernels read it with {@code item()} without a device sync. */
    private static NDArray seedTensor(NDManager cpu, long seed) {
        return EngineArrays.of(cpu, new long[] {seed});
    }

    /**
     * Inverted dropout {@code x * bernoulli(1 - p) / (1 - p)} with a mask drawn from a generator seeded with
     * {@code seed} (torch's {@code nn.Dropout} semantics, reproducible without global random state).
     *
     * @param x the input
     * @param p the drop probability, in (0, 1)
     * @param seed the mask's seed
     * @return the masked input, attached to x's manager
     */
    static NDArray dropout(NDArray x, double p, long seed) {
        double keep = 1.0 - p;
        String body = "g = torch.Generator(device=ops.prim.device(x), seed=int(torch.item(seed)))\n"
                + "noise = torch.bernoulli(torch.full_like(x, " + num(keep) + "), generator=g)\n"
                + "return torch.mul(x, torch.div(noise, " + num(keep) + "))";
        try (NDManager cpu = x.getManager().newSubManager(Device.cpu())) {
            return Kernels.kernel("lora_dropout", List.of("x: Tensor", "seed: Tensor"), body, x)
                    .call(x, seedTensor(cpu, seed));
        }
    }

    /**
     * DoRA's contribution to a layer's output, as PEFT's {@code DoraLinearLayer.forward} computes it:
     * {@code (m / ||W + s B A||_row - 1) * base + (m / ||W + s B A||_row) * (B A x) * s}, the norm detached from
     * the graph (DoRA paper section 4.3).
     *
     * @param x the adapter input (after dropout), in the adapter's dtype
     * @param base the base layer's output without bias ({@code x W^T})
     * @param w the base weight [out, in]
     * @param a lora_A [r, in]
     * @param b lora_B [out, r]
     * @param m the magnitude [out]
     * @param scaling s
     * @return the term to add to the layer output, attached to x's manager
     */
    static NDArray doraTerm(NDArray x, NDArray base, NDArray w, NDArray a, NDArray b, NDArray m, double scaling) {
        String s = num(scaling);
        String body = "wf = torch.add(torch.to(w, ops.prim.dtype(a)), torch.mm(torch.detach(b), torch.detach(a)), "
                + "alpha=" + s + ")\n"
                + "norm = torch.detach(torch.sqrt(torch.sum(torch.mul(wf, wf), [1])))\n"
                + "scale = torch.div(m, norm)\n"
                + "lora = torch.linear(torch.linear(x, a), b)\n"
                + "return torch.add(torch.mul(torch.sub(scale, 1.), base), torch.mul(torch.mul(scale, lora), " + s
                + "))";
        return Kernels.kernel(
                        "dora_term",
                        List.of("x: Tensor", "base: Tensor", "w: Tensor", "a: Tensor", "b: Tensor", "m: Tensor"),
                        body,
                        x)
                .call(x, base, w, a, b, m);
    }

    /**
     * The weight a DoRA layer applies: {@code (m / ||W + s B A||_row)[:, None] * (W + s B A)}, norm detached; in
     * the adapter's dtype. Also the merged weight of PEFT's DoRA merge.
     *
     * @param w the base weight [out, in]
     * @param a lora_A
     * @param b lora_B
     * @param m the magnitude [out]
     * @param scaling s
     * @return the weight, attached to w's manager
     */
    static NDArray doraWeight(NDArray w, NDArray a, NDArray b, NDArray m, double scaling) {
        String body = "wf = torch.add(torch.to(w, ops.prim.dtype(a)), torch.mm(b, a), alpha=" + num(scaling) + ")\n"
                + "norm = torch.detach(torch.sqrt(torch.sum(torch.mul(wf, wf), [1])))\n"
                + "return torch.mul(torch.unsqueeze(torch.div(m, norm), 1), wf)";
        return Kernels.kernel("dora_weight", List.of("w: Tensor", "a: Tensor", "b: Tensor", "m: Tensor"), body, w)
                .call(w, a, b, m);
    }

    /**
     * The row norms {@code ||W + s B A||_row} (the initial DoRA magnitude).
     *
     * @param w the base weight [out, in]
     * @param a lora_A
     * @param b lora_B
     * @param scaling s
     * @return the norms [out] in a's dtype, attached to w's manager
     */
    static NDArray weightNorm(NDArray w, NDArray a, NDArray b, double scaling) {
        String body = "wf = torch.add(torch.to(w, ops.prim.dtype(a)), torch.mm(b, a), alpha=" + num(scaling) + ")\n"
                + "return torch.sqrt(torch.sum(torch.mul(wf, wf), [1]))";
        return Kernels.kernel("lora_weight_norm", List.of("w: Tensor", "a: Tensor", "b: Tensor"), body, w)
                .call(w, a, b);
    }

    /**
     * PiSSA initialisation of one layer (PEFT's {@code pissa_init}): the rank-r principal part of {@code W} split
     * into {@code A = sqrt(S_r / s) Vh_r} and {@code B = U_r sqrt(S_r / s)}, and the residual
     * {@code W - (s B) A}. With {@code iterations < 0} the exact SVD is used; otherwise torch's {@code svd_lowrank}
     * algorithm (Halko et al. 2009, algorithm 5, on the transpose) with that many subspace iterations and a Gaussian
     * test matrix drawn from a generator seeded with {@code seed}.
     *
     * @param w the base weight [out, in]
     * @param rank r
     * @param scaling s
     * @param iterations subspace iterations, -1 for the exact SVD
     * @param seed the random test matrix's seed
     * @return {A [r, in] fp32, B [out, r] fp32, residual [out, in] in w's dtype}, attached to w's manager
     */
    static NDList pissa(NDArray w, int rank, double scaling, int iterations, long seed) {
        String s = num(scaling);
        StringBuilder body = new StringBuilder("wf = torch.to(w, 6)\n");
        if (iterations < 0) {
            body.append("u, sv, vh = torch.linalg_svd(wf, False)\n")
                    .append("vr = torch.slice(u, 1, 0, ")
                    .append(rank)
                    .append(")\n")
                    .append("sr = torch.div(torch.slice(sv, 0, 0, ")
                    .append(rank)
                    .append("), ")
                    .append(s)
                    .append(")\n")
                    .append("uhr = torch.slice(vh, 0, 0, ")
                    .append(rank)
                    .append(")\n");
        } else {
            body.append("g = torch.Generator(device=ops.prim.device(w), seed=int(torch.item(seed)))\n")
                    .append("wt = torch.t(wf)\n")
                    .append("r0 = torch.randn([torch.size(wf, 0), ")
                    .append(rank)
                    .append("], generator=g, dtype=6, device=ops.prim.device(w))\n")
                    .append("q, rr = torch.linalg_qr(torch.mm(wt, r0))\n");
            // The kernel body cannot hold an indented loop: the subspace iterations are unrolled.
            for (int i = 0; i < iterations; i++) {
                body.append("q, rr = torch.linalg_qr(torch.mm(wf, q))\n")
                        .append("q, rr = torch.linalg_qr(torch.mm(wt, q))\n");
            }
            body.append("u, sv, vh = torch.linalg_svd(torch.mm(wf, q), False)\n")
                    .append("vr = u\n")
                    .append("sr = torch.div(sv, ")
                    .append(s)
                    .append(")\n")
                    .append("uhr = torch.t(torch.mm(q, torch.t(vh)))\n");
        }
        body.append("root = torch.sqrt(sr)\n")
                .append("a = torch.mul(torch.unsqueeze(root, 1), uhr)\n")
                .append("b = torch.mul(vr, torch.unsqueeze(root, 0))\n")
                .append("res = torch.sub(wf, torch.mm(torch.mul(b, ")
                .append(s)
                .append("), a))\n")
                .append("return (torch.contiguous(a), torch.contiguous(b), torch.to(res, ops.prim.dtype(w)))");
        try (NDManager cpu = w.getManager().newSubManager(Device.cpu())) {
            return Kernels.kernel(
                            "pissa_init",
                            List.of("w: Tensor", "seed: Tensor"),
                            "Tuple[Tensor, Tensor, Tensor]",
                            body.toString(),
                            w)
                    .callAll(w, seedTensor(cpu, seed));
        }
    }
}
