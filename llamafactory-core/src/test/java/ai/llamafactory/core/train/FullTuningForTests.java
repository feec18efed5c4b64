package ai.llamafactory.core.train;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.FinetuningType;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.loader.ModelWriter;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.core.optim.ParamGroups;
import ai.llamafactory.core.tuning.TuningMethod;
import ai.llamafactory.core.tuning.TuningMethodProvider;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Full fine-tuning for core's own trainer tests (the real methods live in llamafactory-peft, which core cannot see).
 */
public final class FullTuningForTests implements TuningMethodProvider {

    @Override
    public Set<FinetuningType> types() {
        return Set.of(FinetuningType.FULL);
    }

    @Override
    public TuningMethod create(FineTuneConfig config) {
        return new TuningMethod() {
            @Override
            public void apply(CausalLm model) {
                model.setAllTrainable(true);
            }

            @Override
            public Map<String, Param> trainableParameters(CausalLm model) {
                Map<String, Param> out = new LinkedHashMap<>();
                model.parameters().forEach((k, v) -> {
                    if (v.isTrainable()) {
                        out.put(k, v);
                    }
                });
                return out;
            }

            @Override
            public List<ParamGroup> parameterGroups(CausalLm model, double weightDecay) {
                Map<String, ai.djl.ndarray.NDArray> arrays = new LinkedHashMap<>();
                trainableParameters(model).forEach((k, v) -> arrays.put(k, v.array()));
                return ParamGroups.withWeightDecay(arrays, weightDecay);
            }

            @Override
            public List<Path> save(CausalLm model, Path folder) {
                return ModelWriter.save(model, folder, SafetensorsDtype.F32, Long.MAX_VALUE);
            }

            @Override
            public void load(CausalLm model, Path folder) {
                try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(folder, "model")) {
                    for (Map.Entry<String, Param> e : model.parameters().entrySet()) {
                        e.getValue()
                                .set(c.load(
                                        model.manager(),
                                        e.getKey(),
                                        e.getValue().array().getDataType()));
                    }
                }
            }
        };
    }
}
