package ai.llamafactory.peft.lora;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.model.CausalLm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a model up for LoRA the way LLaMA-Factory's {@code _setup_lora_tuning} does, from {@code adapter_name_or_path},
 * {@code create_new_adapter} and the LoRA arguments:
 *
 * <ul>
 *   <li>with adapters given and training without {@code create_new_adapter}: all adapters but the last are merged
 *       into the base, the last one is resumed (trainable);</li>
 *   <li>otherwise (inference, export, or a new adapter on top): all given adapters are merged;</li>
 *   <li>a quantised base accepts exactly one adapter, which is never merged, and no new adapter on top of it;</li>
 *   <li>when training and no adapter was resumed, a new adapter named {@code default} is created from the LoRA
 *       settings.</li>
 * </ul>
 */
public final class LoraSetup {
    private static final Logger LOG = LoggerFactory.getLogger(LoraSetup.class);

    private LoraSetup() {}

    /**
     * What to set up.
     *
     * @param config settings of a new adapter (used when one is created)
     * @param adapterPaths {@code adapter_name_or_path}, in order; may be empty
     * @param trainable whether the model is being trained
     * @param createNewAdapter {@code create_new_adapter}
     * @param quantizedBase whether the base weights are quantised
     */
    public record Request(
            LoraConfig config,
            List<Path> adapterPaths,
            boolean trainable,
            boolean createNewAdapter,
            boolean quantizedBase) {
        /**
         * Copies the list and checks for nulls.
         *
         * @param config settings of a new adapter
         * @param adapterPaths adapter folders, in order
         * @param trainable whether the model is being trained
         * @param createNewAdapter {@code create_new_adapter}
         * @param quantizedBase whether the base weights are quantised
         */
        public Request {
            Objects.requireNonNull(config, "config");
            adapterPaths = List.copyOf(adapterPaths);
        }
    }

    /**
     * Applies the request.
     *
     * @param model the base model
     * @param request what to do
     * @return the model with its adapters ({@link LoraModel#DEFAULT_ADAPTER} when one is active)
     * @throws InvalidConfigException for combinations LLaMA-Factory refuses on quantised models
     */
    public static LoraModel apply(CausalLm model, Request request) {
        LoraModel lora = new LoraModel(model, request.quantizedBase());
        List<Path> paths = request.adapterPaths();
        Path resume = null;
        if (!paths.isEmpty()) {
            boolean mergeable = !request.quantizedBase();
            if (request.quantizedBase() && paths.size() != 1) {
                throw new InvalidConfigException("adapter_name_or_path: a quantized model accepts only one adapter, "
                        + "got " + paths.size() + "; merge them first");
            }
            if (request.quantizedBase() && request.createNewAdapter()) {
                throw new InvalidConfigException(
                        "create_new_adapter: cannot create a new adapter upon a quantized " + "model");
            }
            List<Path> toMerge = new ArrayList<>(paths);
            if ((request.trainable() && !request.createNewAdapter()) || !mergeable) {
                resume = toMerge.remove(toMerge.size() - 1);
            }
            for (Path p : toMerge) {
                lora.loadAdapter(LoraModel.DEFAULT_ADAPTER, p, false);
                lora.mergeAndUnload();
                LOG.info("merged adapter {}", p);
            }
            if (resume != null) {
                lora.loadAdapter(LoraModel.DEFAULT_ADAPTER, resume, request.trainable());
                LOG.info("loaded adapter {} ({})", resume, request.trainable() ? "resumed for training" : "inference");
            }
        }
        if (request.trainable() && resume == null) {
            lora.addAdapter(LoraModel.DEFAULT_ADAPTER, request.config());
            LOG.info("created LoRA adapter: {}", request.config());
        }
        if (request.trainable()) {
            LOG.info("{}", lora.parameterCounts());
        }
        return lora;
    }
}
