package ai.llamafactory.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.core.optim.ParamGroups;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.peft.PeftTestSupport.Forward;
import ai.llamafactory.testing.Conformance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LoRA-family behaviour on the tiny conformance Llama: DoRA, PiSSA, rsLoRA scaling, adapter switching and disabling,
 * extra trained modules, seeded dropout, LoRA+ groups, parameter counts.
 */
class LoraFeaturesTest {
    private static Map<String, NDArray> golden;
    private static NDManager goldenManager;

    @BeforeAll
    static void readGolden() {
        DjlEngine.get();
        goldenManager = NDManager.newBaseManager();
        golden = Conformance.readGolden(PeftTestSupport.llama().resolve("golden.safetensors"), goldenManager);
    }

    private static CausalLm llama() {
        return DjlModelLoader.load(PeftTestSupport.llama(), ComputePolicy.cpu());
    }

    private static LoraConfig.Builder small() {
        return LoraConfig.builder().rank(4).alpha(8).initSeed(7);
    }

    @Test
    void newAdapterStartsAsIdentityAndOnlyAdaptersTrain() {
        try (CausalLm model = llama()) {
            Forward base = PeftTestSupport.forward(model, golden);
            LoraModel lora = new LoraModel(model);
            lora.addAdapter("default", small().build());
            Forward adapted = PeftTestSupport.forward(model, golden);
            assertThat(adapted.logits()).containsExactly(base.logits());
            Map<String, Param> params = lora.adapterParameters("default");
            // 7 linear modules x 2 layers x (A, B)
            assertThat(params).hasSize(28).allSatisfy((k, p) -> assertThat(p.isTrainable())
                    .isTrue());
            assertThat(params.keySet())
                    .contains(
                            "model.layers.0.self_attn.q_proj.lora_A.default.weight",
                            "model.layers.1.mlp.down_proj.lora_B.default.weight");
            assertThat(model.parameters()
                            .get("model.layers.0.self_attn.q_proj.base_layer.weight")
                            .isTrainable())
                    .isFalse();
            // Kaiming-uniform A: |a| <= 1/sqrt(in); B zero.
            float[] a = params.get("model.layers.0.self_attn.q_proj.lora_A.default.weight")
                    .array()
                    .toFloatArray();
            assertThat(PeftTestSupport.maxAbs(a))
                    .isLessThanOrEqualTo(1 / Math.sqrt(64))
                    .isGreaterThan(0.5 / 8);
            long expected = 2L
                    * (4 * 64 + 64 * 4 + 4 * 64 + 32 * 4 + 4 * 64 + 32 * 4 + 4 * 64 + 64 * 4 + 4 * 64 + 176 * 4 + 4 * 64
                            + 176 * 4 + 4 * 176 + 64 * 4);
            assertThat(lora.parameterCounts().trainable()).isEqualTo(expected);
            assertThat(lora.parameterCounts().total()).isEqualTo(158016 + expected);
            assertThat(lora.parameterCounts().format())
                    .isEqualTo(String.format(
                            java.util.Locale.ROOT,
                            "trainable params: %,d || all params: %,d || trainable%%: %.4f",
                            expected,
                            158016 + expected,
                            100.0 * expected / (158016 + expected)));
        }
    }

    @Test
    void rsloraScalesByAlphaOverSqrtRank() {
        assertThat(small().build().scalingFor("x")).isEqualTo(2.0);
        assertThat(small().useRslora(true).build().scalingFor("x")).isEqualTo(4.0);
        LoraConfig patterned = small().rankPattern(Map.of("q_proj", 16))
                .alphaPattern(Map.of("v_proj", 3.0))
                .build();
        assertThat(patterned.rankFor("model.layers.0.self_attn.q_proj")).isEqualTo(16);
        assertThat(patterned.rankFor("model.layers.0.self_attn.k_proj")).isEqualTo(4);
        assertThat(patterned.scalingFor("model.layers.0.self_attn.v_proj")).isEqualTo(0.75);
        assertThat(LoraConfig.builder().rank(16).build().alpha()).isEqualTo(32);
    }

    @Test
    void doraWithMagnitudeEqualToTheNormEqualsLoraInOutputAndAdapterGradients() {
        try (CausalLm plain = llama();
                CausalLm dora = llama()) {
            LoraModel l1 = new LoraModel(plain);
            l1.addAdapter("default", small().build());
            LoraModel l2 = new LoraModel(dora);
            l2.addAdapter("default", small().useDora(true).build());
            PeftTestSupport.randomize(l1.adapterParameters("default"), ".lora_B.", 3, 0.05);
            PeftTestSupport.randomize(l2.adapterParameters("default"), ".lora_B.", 3, 0.05);
            // Reset each magnitude to ||W + s B A|| for the new B: DoRA then computes exactly what LoRA computes.
            for (var e : dora.namedModules().entrySet()) {
                if (e.getValue() instanceof LoraLinear layer) {
                    Param m = layer.magnitude("default");
                    m.set(LoraKernels.weightNorm(
                            layer.baseWeight().array(),
                            layer.loraA("default").array(),
                            layer.loraB("default").array(),
                            2.0));
                }
            }
            assertThat(l2.adapterParameters("default")).hasSize(42);
            Forward f1 = PeftTestSupport.forward(plain, golden);
            Forward f2 = PeftTestSupport.forward(dora, golden);
            assertThat(PeftTestSupport.maxDiff(f1.logits(), f2.logits())).isLessThan(1e-5);
            assertThat(PeftTestSupport.maxDiff(
                            f1.logits(),
                            PeftTestSupport.forward(llamaBase(), golden).logits()))
                    .as("the adapter changes the output")
                    .isGreaterThan(1e-3);

            PeftTestSupport.backward(plain, golden);
            PeftTestSupport.backward(dora, golden);
            Map<String, float[]> g1 = PeftTestSupport.takeGradients(l1.adapterParameters("default"));
            Map<String, float[]> g2 = PeftTestSupport.takeGradients(l2.adapterParameters("default"));
            for (Map.Entry<String, float[]> e : g1.entrySet()) {
                float[] other = g2.get(e.getKey());
                double scale = PeftTestSupport.maxAbs(e.getValue());
                assertThat(PeftTestSupport.maxDiff(e.getValue(), other))
                        .as(e.getKey())
                        .isLessThanOrEqualTo(1e-6 + 1e-4 * scale);
            }
            assertThat(g2.keySet().stream().filter(k -> k.contains("lora_magnitude_vector")))
                    .hasSize(14)
                    .allSatisfy(
                            k -> assertThat(PeftTestSupport.maxAbs(g2.get(k))).isGreaterThan(0));
        }
    }

    private static CausalLm llamaBase;

    private static synchronized CausalLm llamaBase() {
        if (llamaBase == null) {
            llamaBase = llama();
        }
        return llamaBase;
    }

    @Test
    void doraMagnitudeGradientEqualsFiniteDifferences() {
        try (CausalLm model = llama()) {
            LoraModel lora = new LoraModel(model);
            lora.addAdapter(
                    "default",
                    small().useDora(true).target(LoraTarget.names("o_proj")).build());
            PeftTestSupport.randomize(lora.adapterParameters("default"), ".lora_B.", 5, 0.05);
            Param m = lora.adapterParameters("default")
                    .get("model.layers.1.self_attn.o_proj.lora_magnitude_vector.default.weight");
            PeftTestSupport.backward(model, golden);
            float[] grad = PeftTestSupport.takeGradients(Map.of("m", m)).get("m");
            float[] base = m.array().toFloatArray();
            // The loss is linear-quadratic in m around here; a central difference with h = 1e-2 is accurate to
            // well under 1% for the entries with the largest gradients.
            int[] picks = largest(grad, 3);
            double h = 1e-2;
            for (int i : picks) {
                double up = lossWith(model, m, base, i, h);
                double down = lossWith(model, m, base, i, -h);
                double fd = (up - down) / (2 * h);
                assertThat(grad[i]).as("dL/dm[%d]", i).isCloseTo((float) fd, within((float) (0.02 * Math.abs(fd))));
            }
            m.set(m.array().getManager().create(base, m.array().getShape()));
        }
    }

    private static double lossWith(CausalLm model, Param m, float[] base, int i, double delta) {
        float[] v = base.clone();
        v[i] += (float) delta;
        m.set(m.array().getManager().create(v, m.array().getShape()));
        return PeftTestSupport.forward(model, golden).loss();
    }

    private static int[] largest(float[] g, int n) {
        Integer[] idx = new Integer[g.length];
        for (int i = 0; i < g.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    @Test
    void doraAndLoraMergeToTheWeightsTheyApply() {
        for (boolean dora : new boolean[] {false, true}) {
            try (CausalLm model = llama()) {
                LoraModel lora = new LoraModel(model);
                lora.addAdapter("default", small().useDora(dora).useRslora(true).build());
                PeftTestSupport.randomize(lora.adapterParameters("default"), ".lora_B.", 11, 0.05);
                PeftTestSupport.randomize(lora.adapterParameters("default"), "lora_magnitude_vector", 12, 1.0);
                Forward adapted = PeftTestSupport.forward(model, golden);
                lora.mergeAdapters(List.of("default"));
                Forward merged = PeftTestSupport.forward(model, golden);
                lora.unmergeAdapters();
                Forward unmerged = PeftTestSupport.forward(model, golden);
                CausalLm plain = lora.mergeAndUnload();
                Forward unloaded = PeftTestSupport.forward(plain, golden);
                assertThat(PeftTestSupport.maxDiff(adapted.logits(), merged.logits()))
                        .as("dora=" + dora)
                        .isLessThan(1e-4);
                assertThat(PeftTestSupport.maxDiff(adapted.logits(), unmerged.logits()))
                        .isLessThan(1e-4);
                assertThat(PeftTestSupport.maxDiff(adapted.logits(), unloaded.logits()))
                        .isLessThan(1e-4);
                assertThat(plain.parameters())
                        .containsKey("model.layers.0.self_attn.q_proj.weight")
                        .hasSize(llamaBase().parameters().size());
            }
        }
    }

    @Test
    void pissaKeepsTheOutputAndTakesThePrincipalSubspace() {
        for (int iterations : new int[] {-1, 16}) {
            try (CausalLm model = llama()) {
                NDArray w0 = model.parameters()
                        .get("model.layers.0.mlp.down_proj.weight")
                        .array()
                        .duplicate();
                Forward base = PeftTestSupport.forward(model, golden);
                LoraModel lora = new LoraModel(model);
                lora.addAdapter("default", small().pissa(iterations).build());
                Forward adapted = PeftTestSupport.forward(model, golden);
                assertThat(PeftTestSupport.maxDiff(base.logits(), adapted.logits()))
                        .as("iter " + iterations)
                        .isLessThan(1e-4);
                LoraLinear layer = (LoraLinear) model.namedModules().get("model.layers.0.mlp.down_proj");
                NDArray a = layer.loraA("default").array();
                NDArray b = layer.loraB("default").array();
                NDArray res = layer.baseWeight().array();
                // Residual + s B A restores W.
                assertThat(res.add(b.matMul(a).mul(2.0)).sub(w0).abs().max().getFloat())
                        .isLessThan(1e-5f);
                // A's rows are orthogonal with squared norms S_i / s; the residual is orthogonal to them.
                float[] gram = a.matMul(a.transpose()).toFloatArray();
                double[] singular = new double[4];
                for (int i = 0; i < 4; i++) {
                    singular[i] = gram[i * 4 + i] * 2.0;
                    for (int j = 0; j < 4; j++) {
                        if (i != j) {
                            assertThat(Math.abs(gram[i * 4 + j])).isLessThan(2e-3f * gram[i * 4 + i]);
                        }
                    }
                }
                assertThat(singular[0]).isGreaterThanOrEqualTo(singular[1]);
                double top = topSingularValue(w0.toFloatArray(), 64, 176);
                assertThat(singular[0])
                        .as("largest singular value, iter " + iterations)
                        .isCloseTo(top, within(1e-3 * top));
                assertThat(PeftTestSupport.maxAbs(res.matMul(a.transpose()).toFloatArray()))
                        .isLessThan(2e-3 * top);
                assertThat(topSingularValue(res.toFloatArray(), 64, 176)).isLessThan(singular[3] * 1.001);
                w0.close();
            }
        }
    }

    /** Largest singular value of a row-major [rows, cols] matrix by power iteration on W^T W, in double. */
    private static double topSingularValue(float[] w, int rows, int cols) {
        double[] v = new double[cols];
        java.util.Arrays.fill(v, 1.0 / Math.sqrt(cols));
        double sigma = 0;
        for (int it = 0; it < 500; it++) {
            double[] u = new double[rows];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    u[r] += w[r * cols + c] * v[c];
                }
            }
            double[] nv = new double[cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    nv[c] += w[r * cols + c] * u[r];
                }
            }
            double norm = 0;
            for (double x : nv) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < cols; c++) {
                v[c] = nv[c] / norm;
            }
            sigma = Math.sqrt(norm);
        }
        return sigma;
    }

    @Test
    void adaptersSwitchByNameAndDisableToTheExactBaseModel() {
        try (CausalLm model = llama()) {
            Forward base = PeftTestSupport.forward(model, golden);
            LoraModel lora = new LoraModel(model);
            lora.addAdapter("policy", small().build());
            lora.addAdapter(
                    "reward",
                    small().target(LoraTarget.names("q_proj", "v_proj"))
                            .initSeed(9)
                            .build());
            PeftTestSupport.randomize(lora.adapterParameters("policy"), ".lora_B.", 1, 0.05);
            PeftTestSupport.randomize(lora.adapterParameters("reward"), ".lora_B.", 2, 0.05);
            assertThat(lora.activeAdapters()).containsExactly("policy");
            Forward policy = PeftTestSupport.forward(model, golden);
            lora.setActiveAdapter("reward");
            Forward reward = PeftTestSupport.forward(model, golden);
            assertThat(PeftTestSupport.maxDiff(policy.logits(), reward.logits()))
                    .isGreaterThan(1e-3);
            lora.setActiveAdapter("policy");
            assertThat(PeftTestSupport.forward(model, golden).logits()).containsExactly(policy.logits());
            try (LoraModel.AdapterScope ignored = lora.adaptersDisabled()) {
                assertThat(lora.adaptersEnabled()).isFalse();
                assertThat(PeftTestSupport.forward(model, golden).logits()).containsExactly(base.logits());
            }
            assertThat(PeftTestSupport.forward(model, golden).logits()).containsExactly(policy.logits());
            try (LoraModel.AdapterScope ignored = lora.usingAdapters(List.of("reward"))) {
                assertThat(PeftTestSupport.forward(model, golden).logits()).containsExactly(reward.logits());
            }
            assertThat(lora.activeAdapters()).containsExactly("policy");
            // Both at once add up.
            lora.setActiveAdapters(List.of("policy", "reward"));
            Forward both = PeftTestSupport.forward(model, golden);
            assertThat(PeftTestSupport.maxDiff(both.logits(), policy.logits())).isGreaterThan(1e-4);
            lora.deleteAdapter("reward");
            assertThat(lora.activeAdapters()).containsExactly("policy");
            assertThat(model.parameters().keySet()).noneMatch(k -> k.contains(".reward."));
            assertThat(PeftTestSupport.forward(model, golden).logits()).containsExactly(policy.logits());
        }
    }

    @Test
    void additionalTargetsTrainACopyThatDisablingBypasses() {
        try (CausalLm model = llama()) {
            Forward base = PeftTestSupport.forward(model, golden);
            LoraModel lora = new LoraModel(model);
            lora.addAdapter(
                    "default",
                    small().target(LoraTarget.names("q_proj"))
                            .additionalTargets(List.of("lm_head", "embed_tokens"))
                            .build());
            Map<String, Param> params = lora.adapterParameters("default");
            assertThat(params)
                    .containsKeys(
                            "lm_head.modules_to_save.default.weight",
                            "model.embed_tokens.modules_to_save.default.weight");
            assertThat(model.parameters().get("lm_head.original_module.weight").isTrainable())
                    .isFalse();
            PeftTestSupport.randomize(params, "lm_head.modules_to_save", 4, 0.05);
            Forward adapted = PeftTestSupport.forward(model, golden);
            assertThat(PeftTestSupport.maxDiff(adapted.logits(), base.logits())).isGreaterThan(1e-2);
            try (LoraModel.AdapterScope ignored = lora.adaptersDisabled()) {
                assertThat(PeftTestSupport.forward(model, golden).logits()).containsExactly(base.logits());
            }
            PeftTestSupport.backward(model, golden);
            Map<String, float[]> grads = PeftTestSupport.takeGradients(params);
            assertThat(PeftTestSupport.maxAbs(grads.get("lm_head.modules_to_save.default.weight")))
                    .isGreaterThan(0);
            assertThat(PeftTestSupport.maxAbs(grads.get("model.embed_tokens.modules_to_save.default.weight")))
                    .isGreaterThan(0);
            CausalLm plain = lora.mergeAndUnload();
            assertThat(plain.parameters()).containsKeys("lm_head.weight", "model.embed_tokens.weight");
            assertThat(PeftTestSupport.forward(plain, golden).logits()).containsExactly(adapted.logits());
        }
    }

    @Test
    void trainedEmbeddingCopyOfATiedModelLeavesTheOutputProjectionTiedToTheOriginalAsPeft() {
        try (CausalLm qwen3 = DjlModelLoader.load(PeftTestSupport.model("qwen3"), ComputePolicy.cpu())) {
            assertThat(qwen3.isTied()).isTrue();
            LoraModel lora = new LoraModel(qwen3);
            lora.addAdapter(
                    "default",
                    small().target(LoraTarget.names("q_proj"))
                            .additionalTargets(List.of("embed_tokens"))
                            .build());
            Param original = qwen3.parameters().get("model.embed_tokens.original_module.weight");
            Param copy = qwen3.parameters().get("model.embed_tokens.modules_to_save.default.weight");
            assertThat(copy.isTrainable()).isTrue();
            assertThat(original.isTrainable()).isFalse();
            assertThat(qwen3.lmHeadWeight()).isSameAs(original.array());
            assertThat(qwen3.lmHeadParam()).isSameAs(original);
        }
    }

    @Test
    void loraOnTheOutputProjectionReachesTheChunkedLossThroughItsEffectiveWeight() {
        for (boolean dora : new boolean[] {false, true}) {
            try (CausalLm model = llama()) {
                LoraModel lora = new LoraModel(model);
                lora.addAdapter(
                        "default",
                        small().useDora(dora)
                                .target(LoraTarget.names("lm_head"))
                                .build());
                PeftTestSupport.randomize(lora.adapterParameters("default"), ".lora_B.", 13, 0.05);
                Forward adapted = PeftTestSupport.forward(model, golden);
                assertThat(PeftTestSupport.maxDiff(
                                adapted.logits(),
                                PeftTestSupport.forward(llamaBase(), golden).logits()))
                        .isGreaterThan(1e-3);
                PeftTestSupport.backward(model, golden);
                Map<String, float[]> grads = PeftTestSupport.takeGradients(lora.adapterParameters("default"));
                assertThat(grads).hasSize(dora ? 3 : 2).allSatisfy((k, v) -> assertThat(PeftTestSupport.maxAbs(v))
                        .as(k)
                        .isGreaterThan(0));
                PeftTestSupport.backwardThroughFullLogits(model, golden);
                Map<String, float[]> reference = PeftTestSupport.takeGradients(lora.adapterParameters("default"));
                grads.forEach((k, v) -> assertThat(PeftTestSupport.maxDiff(v, reference.get(k)))
                        .as(k)
                        .isLessThanOrEqualTo(1e-6 + 1e-4 * PeftTestSupport.maxAbs(reference.get(k))));
                Forward merged = PeftTestSupport.forward(lora.mergeAndUnload(), golden);
                assertThat(PeftTestSupport.maxDiff(adapted.logits(), merged.logits()))
                        .as("dora=" + dora)
                        .isLessThan(1e-4);
                assertThat(Math.abs(adapted.loss() - merged.loss())).isLessThan(1e-5);
            }
        }
    }

    @Test
    void dropoutIsDeterministicGivenTheStepSeedAndOffInEvaluation() {
        try (CausalLm model = llama()) {
            LoraModel lora = new LoraModel(model);
            lora.addAdapter("default", small().dropout(0.5).build());
            PeftTestSupport.randomize(lora.adapterParameters("default"), ".lora_B.", 1, 0.2);
            Forward eval = PeftTestSupport.forward(model, golden);
            model.setTraining(true);
            lora.dropoutSeeds().setStepSeed(100);
            Forward a = PeftTestSupport.forward(model, golden);
            lora.dropoutSeeds().setStepSeed(101);
            Forward b = PeftTestSupport.forward(model, golden);
            lora.dropoutSeeds().setStepSeed(100);
            Forward a2 = PeftTestSupport.forward(model, golden);
            assertThat(a2.logits()).containsExactly(a.logits());
            assertThat(PeftTestSupport.maxDiff(a.logits(), b.logits())).isGreaterThan(1e-3);
            assertThat(PeftTestSupport.maxDiff(a.logits(), eval.logits())).isGreaterThan(1e-3);
            model.setTraining(false);
            assertThat(PeftTestSupport.forward(model, golden).logits()).containsExactly(eval.logits());
        }
    }

    @Test
    void dropoutMaskKeepsAboutOneMinusPAndRescales() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new ai.djl.ndarray.types.Shape(200, 100));
            float[] y = LoraKernels.dropout(x, 0.3, 42).toFloatArray();
            int kept = 0;
            for (float v : y) {
                if (v != 0) {
                    assertThat(v).isCloseTo(1 / 0.7f, within(1e-6f));
                    kept++;
                }
            }
            assertThat(kept / 20000.0).isCloseTo(0.7, within(0.02));
            assertThat(LoraKernels.dropout(x, 0.3, 42).toFloatArray()).containsExactly(y);
        }
    }

    @Test
    void loraPlusPutsBMatricesInAGroupWithTheRatio() {
        try (CausalLm model = llama()) {
            LoraModel lora = new LoraModel(model);
            lora.addAdapter("default", small().useDora(true).loraplusLrRatio(16).build());
            List<ParamGroup> groups = lora.paramGroups(2e-4, 0.01);
            Map<String, ParamGroup> byLabel = new java.util.HashMap<>();
            groups.forEach(g -> byLabel.put(g.label(), g));
            assertThat(byLabel.get(ParamGroups.LORA_A).params().keySet())
                    .allMatch(k -> k.contains(".lora_A."))
                    .hasSize(14);
            assertThat(byLabel.get(ParamGroups.LORA_A).lrMultiplier()).isEqualTo(1.0);
            ParamGroup b = byLabel.get(ParamGroups.LORA_B);
            assertThat(b.lrMultiplier()).isEqualTo(16.0);
            assertThat(b.weightDecay()).isEqualTo(0.01);
            assertThat(b.params().keySet())
                    .hasSize(28)
                    .allMatch(k -> k.contains(".lora_B.") || k.contains(".lora_magnitude_vector."));
            LoraModel plain = new LoraModel(llama());
            plain.addAdapter("default", small().build());
            assertThat(plain.paramGroups(2e-4, 0.01)).hasSize(1).allSatisfy(g -> assertThat(g.lrMultiplier())
                    .isEqualTo(1.0));
            plain.model().close();
        }
    }

    @Test
    void fusedPhi3ProjectionsAreAdaptedAsWholeLinearLayers() {
        Path phi3 = PeftTestSupport.model("phi3");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = DjlModelLoader.load(phi3, ComputePolicy.cpu())) {
            Map<String, NDArray> g = Conformance.readGolden(phi3.resolve("golden.safetensors"), m);
            LoraModel lora = new LoraModel(model);
            lora.addAdapter("default", small().build());
            assertThat(lora.adapter("default").targetModules())
                    .containsExactly("down_proj", "gate_up_proj", "o_proj", "qkv_proj");
            Param b = lora.adapterParameters("default").get("model.layers.0.self_attn.qkv_proj.lora_B.default.weight");
            var c = model.config();
            assertThat(b.array().getShape().getShape())
                    .containsExactly((long) (c.numHeads() + 2 * c.numKvHeads()) * c.headDim(), 4);
            PeftTestSupport.randomize(lora.adapterParameters("default"), ".lora_B.", 8, 0.05);
            Forward adapted = PeftTestSupport.forward(model, g);
            Forward merged = PeftTestSupport.forward(lora.mergeAndUnload(), g);
            assertThat(PeftTestSupport.maxDiff(adapted.logits(), merged.logits()))
                    .isLessThan(1e-4);
        }
    }
}
