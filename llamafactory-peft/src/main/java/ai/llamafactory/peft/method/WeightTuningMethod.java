package ai.llamafactory.peft.method;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.checkpoint.SafetensorsWriter;
import ai.llamafactory.core.loader.ModelWriter;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.core.optim.ParamGroups;
import ai.llamafactory.core.tuning.TuningMethod;
import ai.llamafactory.peft.freeze.FreezeConfig;
import ai.llamafactory.peft.freeze.FreezeTuning;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code finetuning_type: freeze} and {@code full} for the core trainer: the selected base weights train, and
 * checkpoints are whole Hugging Face model folders (as transformers saves them, 5 GB shards).
 */
public final class WeightTuningMethod implements TuningMethod {
    private final FreezeConfig freeze;

    /**
     * @param freeze the freeze-tuning selection, or null for full tuning
     */
    public WeightTuningMethod(FreezeConfig freeze) {
        this.freeze = freeze;
    }

    @Override
    public void apply(CausalLm model) {
        if (freeze == null) {
            FreezeTuning.full(model);
        } else {
            FreezeTuning.apply(model, freeze);
        }
    }

    @Override
    public Map<String, Param> trainableParameters(CausalLm model) {
        Map<String, Param> out = new LinkedHashMap<>();
        model.parameters().forEach((k, p) -> {
            if (p.isTrainable()) {
                out.put(k, p);
            }
        });
        return out;
    }

    @Override
    public List<ParamGroup> parameterGroups(CausalLm model, double weightDecay) {
        return ParamGroups.withWeightDecay(FreezeTuning.trainableArrays(model), weightDecay);
    }

    @Override
    public List<Path> save(CausalLm model, Path folder) {
        SafetensorsDtype dtype =
                SafetensorsDtype.fromDataType(model.lmHeadParam().array().getDataType());
        return ModelWriter.save(model, folder, dtype, SafetensorsWriter.DEFAULT_MAX_SHARD_BYTES);
    }

    @Override
    public void load(CausalLm model, Path folder) {
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(folder, "model")) {
            for (Map.Entry<String, Param> e : model.parameters().entrySet()) {
                Param p = e.getValue();
                if (!c.contains(e.getKey())) {
                    throw new CheckpointException(folder + ": checkpoint has no tensor '" + e.getKey() + "'");
                }
                long[] shape = c.info(e.getKey()).shape();
                if (!Arrays.equals(shape, p.array().getShape().getShape())) {
                    throw new CheckpointException(
                            folder + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(shape)
                                    + " but the model has " + p.array().getShape());
                }
                p.set(c.load(p.array().getManager(), e.getKey(), p.array().getDataType()));
            }
        }
    }
}
