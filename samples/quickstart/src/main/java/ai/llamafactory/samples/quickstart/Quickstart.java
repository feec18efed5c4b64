package ai.llamafactory.samples.quickstart;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.loader.ModelWriter;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.model.Architecture;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.core.model.RandomWeights;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * Quickstart: creates the tiny bundled model (a Qwen3-architecture decoder over a byte-level tokenizer) on first run,
 * loads it like any Hugging Face checkpoint, and prints the loss and perplexity of a sentence.
 *
 * <p>Run from the repository root: {@code mvn -q -B install -DskipTests && mvn -q -B -pl samples/quickstart
 * exec:java}. Arguments: {@code [model folder] [sentence]}.
 */
public final class Quickstart {
    /** Default location of the tiny model, relative to the working directory. */
    public static final Path DEFAULT_MODEL = Paths.get("saves", "quickstart", "base");
    private static final String TOKENIZER_RESOURCE = "/ai/llamafactory/samples/quickstart/tokenizer/";

    private Quickstart() {}

    /**
     * Scores a sentence.
     *
     * @param loss mean next-token negative log-likelihood in nats
     * @param perplexity exp(loss)
     * @param tokens number of tokens scored
     */
    public record Score(double loss, double perplexity, int tokens) {}

    /**
     * Entry point.
     *
     * @param args optional model folder and sentence
     */
    public static void main(String[] args) {
        Path folder = args.length > 0 ? Paths.get(args[0]) : DEFAULT_MODEL;
        String sentence = args.length > 1 ? args[1] : "LlamaFactory for Java fine-tunes language models.";
        Score s = run(folder, sentence);
        System.out.printf("sentence: %s%ntokens: %d%nloss: %.4f nats/token%nperplexity: %.2f%n", sentence, s.tokens(),
                s.loss(), s.perplexity());
    }

    /**
     * Creates the tiny model if the folder does not hold one, loads it and scores the sentence.
     *
     * @param folder model folder
     * @param sentence text to score
     * @return the score
     */
    public static Score run(Path folder, String sentence) {
        DjlEngine.get();
        ensureTinyModel(folder);
        try (CausalLm model = DjlModelLoader.load(folder, ComputePolicy.cpu());
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(folder)
                        .optTruncation(false).optAddSpecialTokens(false).build();
                NDManager step = model.manager().newSubManager()) {
            long[] ids = tokenizer.encode(sentence, false, false).getIds();
            NDArray input = step.create(ids, new Shape(1, ids.length));
            CausalLmLoss.Result r = CausalLmLoss.compute(model.hiddenStates(ForwardInput.of(input, null)),
                    model.lmHeadWeight(), input, CausalLmLoss.Options.defaults());
            return new Score(r.loss(), Math.exp(r.loss()), ids.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer in " + folder, e);
        }
    }

    /**
     * Writes the tiny model and its tokenizer into a folder unless it already holds a config.json.
     *
     * @param folder target folder
     */
    public static void ensureTinyModel(Path folder) {
        if (Files.exists(folder.resolve("config.json"))) {
            return;
        }
        try {
            Files.createDirectories(folder);
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                try (InputStream in = Quickstart.class.getResourceAsStream(TOKENIZER_RESOURCE + f)) {
                    Files.copy(in, folder.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String json = "{\"architectures\":[\"Qwen3ForCausalLM\"],\"model_type\":\"qwen3\",\"vocab_size\":259,"
                    + "\"hidden_size\":128,\"intermediate_size\":384,\"num_hidden_layers\":4,"
                    + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"head_dim\":32,"
                    + "\"max_position_embeddings\":1024,\"rms_norm_eps\":1e-6,\"rope_theta\":10000.0,"
                    + "\"tie_word_embeddings\":true,\"hidden_act\":\"silu\",\"bos_token_id\":null,"
                    + "\"eos_token_id\":258,\"pad_token_id\":256,\"initializer_range\":0.02,\"dtype\":\"float32\"}";
            Architecture arch = Architectures.forModelType("qwen3");
            ModelConfig config = ModelConfig.parse(new ObjectMapper().readTree(json), arch.configDefaults(),
                    "quickstart config");
            try (NDManager m = NDManager.newBaseManager();
                    CausalLm model = arch.build(config, new RandomWeights(42, 0.02, false), ComputePolicy.cpu(),
                            m.newSubManager())) {
                ModelWriter.save(model, folder, SafetensorsDtype.F32, Long.MAX_VALUE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the quickstart model in " + folder, e);
        }
    }
}
