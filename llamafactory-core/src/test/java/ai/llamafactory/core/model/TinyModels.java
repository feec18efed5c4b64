package ai.llamafactory.core.model;

import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** Randomly initialised tiny models of any family, for behavioural tests without golden files. */
final class TinyModels {
    private TinyModels() {}

    static ModelConfig config(String modelType, String extraJson) {
        String json = "{\"model_type\":\"" + modelType + "\",\"vocab_size\":97,\"hidden_size\":32,"
                + "\"intermediate_size\":48,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":2,\"max_position_embeddings\":64" + extraJson + "}";
        try {
            ObjectNode node = (ObjectNode) new ObjectMapper().readTree(json);
            return ModelConfig.parse(node, Architectures.forModelType(modelType).configDefaults(), "tiny");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static CausalLm build(ModelConfig cfg, NDManager parent) {
        Architecture arch = Architectures.forModelType(cfg.modelType());
        return arch.build(
                cfg,
                new RandomWeights(11, 0.2, cfg.modelType().equals("gemma")),
                ComputePolicy.cpu(),
                parent.newSubManager());
    }
}
