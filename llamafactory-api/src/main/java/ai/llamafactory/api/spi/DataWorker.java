package ai.llamafactory.api.spi;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.data.PreparedData;
import java.nio.file.Path;

/**
 * The Data Worker module of LLaMA-Factory's architecture: turns the datasets a configuration names into encoded
 * examples for its stage. The default implementation ({@code ai.llamafactory.data.worker.DefaultDataWorker} in
 * llamafactory-data) reads {@code dataset_info.json} datasets, applies the chat template with its audit, encodes on
 * several threads and caches the result on disk; find it with {@link Plugins#dataWorker()}.
 *
 * <p>What an implementation takes from the configuration: the data arguments ({@code dataset}, {@code eval_dataset},
 * {@code dataset_dir}, {@code template}, {@code cutoff_len}, packing, {@code max_samples}, {@code val_size},
 * {@code tokenized_path}, {@code overwrite_cache} ...), the stage, the seed, {@code do_train} / {@code do_eval} /
 * {@code do_predict} and {@code predict_with_generate}. Encoding per stage, as LLaMA-Factory: {@code pt} text blocks,
 * {@code sft} supervised sequences (packed with {@code packing} / {@code neat_packing}), {@code rm} and {@code dpo}
 * preference pairs, {@code kto} feedback examples, {@code ppo} and generation prompts for the evaluation splits of
 * {@code sft} with {@code predict_with_generate}.
 *
 * <p>Implementations need a public no-argument constructor (for {@link java.util.ServiceLoader}) and are thread-safe.
 * What they attach to the {@link PreparedData} with {@link PreparedData.Builder#resource} is theirs to choose: the
 * default worker attaches its {@code Tokenizer} (special tokens fixed by the template) and its {@code ChatTemplate},
 * and hands their native memory to the result with {@link PreparedData.Builder#owning}.
 */
public interface DataWorker {

    /** @return a short name for messages and logs, e.g. {@code default} */
    String name();

    /** @return the preference among registered workers; higher wins, default 0 */
    default int priority() {
        return 0;
    }

    /**
     * Prepares a run's data.
     *
     * @param config the checked configuration
     * @param tokenizerDir the local folder holding the model's tokenizer files ({@code tokenizer.json},
     *     {@code tokenizer_config.json}); usually the model folder
     * @return the encoded examples and what happened to the rows, with the tokenizer and chat template the examples
     *     were encoded with as {@linkplain PreparedData#resource resources} (so that a trainer of the same engine
     *     does not load them again); the caller closes it, which frees them
     * @throws ai.llamafactory.api.exception.DatasetException for an unknown dataset name (listing the available ones),
     *     a missing or unreadable file, a dataset without a valid row (naming the dataset, the expected format and the
     *     first reasons), a malformed row in strict mode
     * @throws ai.llamafactory.api.exception.InvalidConfigException for an unknown template, options that do not fit
     *     the template or the datasets, a template that fails the audit in strict mode
     * @throws ai.llamafactory.api.exception.CheckpointException when the tokenizer files are missing or malformed
     */
    PreparedData prepare(FineTuneConfig config, Path tokenizerDir);

    /**
     * Prepares a run's data with the tokenizer of {@code model_name_or_path}, which must then be a local folder.
     *
     * @param config the checked configuration
     * @return the encoded examples and what happened to the rows
     */
    default PreparedData prepare(FineTuneConfig config) {
        return prepare(config, Path.of(config.model().modelNameOrPath()));
    }
}
