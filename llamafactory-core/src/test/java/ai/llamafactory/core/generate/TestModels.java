package ai.llamafactory.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.model.Architecture;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.core.model.RandomWeights;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small random models and a reference decoder (repeated full forwards, no cache) for the generation tests. */
final class TestModels {
    private TestModels() {}

    /**
     * @param modelType a model type
     * @param extraJson extra config.json members, starting with a comma (or empty)
     * @return a 2-layer model with vocabulary 97, hidden 32, random weights (std 0.2 so that logits are spread)
     */
    static CausalLm tiny(String modelType, String extraJson) {
        DjlEngine.get();
        String json = "{\"model_type\":\"" + modelType + "\",\"vocab_size\":97,\"hidden_size\":32,"
                + "\"intermediate_size\":48,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":2,\"max_position_embeddings\":512,\"eos_token_id\":2" + extraJson + "}";
        try {
            Architecture arch = Architectures.forModelType(modelType);
            ModelConfig cfg = ModelConfig.parse(new ObjectMapper().readTree(json), arch.configDefaults(), "tiny");
            return arch.build(
                    cfg,
                    new RandomWeights(5, 0.2, modelType.equals("gemma")),
                    ComputePolicy.cpu(),
                    NDManager.newBaseManager());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Next-token logits of one unpadded sequence by a full forward without cache.
     *
     * @param model the model
     * @param ids the sequence
     * @return logits of the last position
     */
    static float[] fullForwardLastLogits(CausalLm model, int[] ids) {
        try (NDManager step = NDManager.newBaseManager()) {
            long[] l = Arrays.stream(ids).asLongStream().toArray();
            NDArray in = step.create(l, new Shape(1, ids.length));
            NDArray hidden = model.hiddenStates(ForwardInput.of(in, null));
            float[] all = model.logits(hidden).toFloatArray();
            int v = model.config().vocabSize();
            return Arrays.copyOfRange(all, all.length - v, all.length);
        }
    }

    /**
     * Greedy decoding by repeated full forwards and arg-max, optionally with a repetition penalty: the reference the
     * cached decoder must equal token for token.
     *
     * @return the generated ids (stops after an eos id, which is included)
     */
    static int[] referenceGreedy(CausalLm model, int[] prompt, int maxNew, double repetitionPenalty, int... eos) {
        List<Integer> seq = new ArrayList<>();
        for (int id : prompt) {
            seq.add(id);
        }
        int[] out = new int[maxNew];
        int n = 0;
        while (n < maxNew) {
            int[] ids = seq.stream().mapToInt(Integer::intValue).toArray();
            float[] logits = fullForwardLastLogits(model, ids);
            java.util.BitSet seen = new java.util.BitSet();
            for (int id : ids) {
                seen.set(id);
            }
            LogitsFilters.repetitionPenalty(logits, seen, repetitionPenalty);
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            out[n++] = best;
            seq.add(best);
            int b = best;
            if (Arrays.stream(eos).anyMatch(e -> e == b)) {
                break;
            }
        }
        return Arrays.copyOf(out, n);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
