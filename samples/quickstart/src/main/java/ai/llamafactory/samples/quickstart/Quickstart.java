package ai.llamafactory.samples.quickstart;

import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.ChatModels;
import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.run.LogEvent;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.ModelWriter;
import ai.llamafactory.core.model.Architecture;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.RandomWeights;
import ai.llamafactory.data.dataset.DemoDatasets;
import ai.llamafactory.data.dataset.IdentityPlaceholders;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quickstart, end to end on two CPU cores in a few minutes:
 *
 * <ol>
 *   <li>create a tiny Qwen3-architecture model over a byte-level tokenizer (randomly initialised, our own code);</li>
 *   <li>pre-train it on the bundled demo corpus ({@code stage: pt}, full fine-tuning);</li>
 *   <li>fine-tune it with LoRA on the bundled identity data ({@code stage: sft});</li>
 *   <li>chat with it before and after fine-tuning ({@link ChatModels#load(Path, GeneratingArguments)}, which finds
 *       the chat model provider on the class path, with the chat template training stored in the output folder).</li>
 * </ol>
 *
 * <p>Run from the repository root: {@code mvn -B -q -ntp -pl samples/quickstart -am compile exec:java}. Everything
 * is written under {@code saves/quickstart/}; steps whose outputs exist are skipped on later runs.
 */
public final class Quickstart {
    /** The assistant's name the identity data teaches. */
    public static final String NAME = "Llama-J";
    /** The author the identity data teaches. */
    public static final String AUTHOR = "the LlamaFactory for Java team";

    private static final String TOKENIZER_RESOURCE = "/ai/llamafactory/samples/quickstart/tokenizer/";

    private Quickstart() {}

    /**
     * How much work each phase does.
     *
     * @param workDir where models, data and outputs go
     * @param pretrainSteps optimizer steps of pre-training
     * @param sftEpochs epochs of LoRA fine-tuning on the identity data
     * @param cutoffLen sequence length in tokens (bytes)
     * @param quiet true to print nothing but the chat
     */
    public record Settings(Path workDir, int pretrainSteps, int sftEpochs, int cutoffLen, boolean quiet) {
        /** @return the settings of the README's command */
        public static Settings defaults() {
            return new Settings(Paths.get("saves", "quickstart"), 240, 12, 256, false);
        }
    }

    /**
     * What the quickstart produced.
     *
     * @param baseModel the randomly initialised model folder
     * @param pretrainedModel the pre-trained model folder
     * @param adapter the LoRA adapter folder
     * @param pretrainLoss final pre-training loss (NaN when skipped)
     * @param sftLoss final fine-tuning loss (NaN when skipped)
     * @param repliesBefore the pre-trained model's replies to {@link #QUESTIONS}
     * @param repliesAfter the fine-tuned model's replies to {@link #QUESTIONS}
     */
    public record Result(
            Path baseModel,
            Path pretrainedModel,
            Path adapter,
            double pretrainLoss,
            double sftLoss,
            List<String> repliesBefore,
            List<String> repliesAfter) {}

    /** What the quickstart asks the model before and after fine-tuning. */
    public static final List<String> QUESTIONS = List.of("Who are you?", "Who created you?");

    /**
     * Entry point.
     *
     * @param args optional work folder
     */
    public static void main(String[] args) {
        Settings s = Settings.defaults();
        if (args.length > 0) {
            s = new Settings(Paths.get(args[0]), s.pretrainSteps(), s.sftEpochs(), s.cutoffLen(), false);
        }
        run(s);
    }

    /**
     * Runs every phase whose output is missing.
     *
     * @param s the settings
     * @return the produced folders and losses
     */
    public static Result run(Settings s) {
        DjlEngine.get();
        Path base = s.workDir().resolve("base");
        Path pretrained = s.workDir().resolve("pretrained");
        Path adapter = s.workDir().resolve("lora-sft");
        ensureTinyModel(base);
        double ptLoss = Double.NaN;
        if (!Files.exists(pretrained.resolve("model.safetensors"))) {
            say(s, "[1/3] pre-training the tiny model on the demo corpus (%d steps)...", s.pretrainSteps());
            TrainingResult r = FineTune.model(base)
                    .full()
                    .pt()
                    .dataset(DemoDatasets.CORPUS)
                    .template("chatml")
                    .cutoffLen(s.cutoffLen())
                    .batchSize(8)
                    .learningRate(3e-3)
                    .maxSteps(s.pretrainSteps())
                    .scheduler(LrSchedulerType.COSINE)
                    .warmupRatio(0.05)
                    .seed(42)
                    .outputDir(pretrained)
                    .training(t -> t.loggingSteps(Math.max(1, s.pretrainSteps() / 8))
                            .saveSteps(1_000_000)
                            .overwriteOutputDir(true)
                            .weightDecay(0.01))
                    .listener(progress(s, "pre-train"))
                    .run();
            ptLoss = r.finalLoss().orElse(Double.NaN);
        } else {
            say(s, "[1/3] pre-trained model found in %s", pretrained);
        }
        double sftLoss = Double.NaN;
        if (!Files.exists(adapter.resolve("adapter_model.safetensors"))) {
            Path data = identityData(s.workDir().resolve("data"));
            say(s, "[2/3] fine-tuning with LoRA on the identity data (%d epochs)...", s.sftEpochs());
            TrainingResult r = FineTune.model(pretrained)
                    .lora(16)
                    .sft()
                    .dataset(DemoDatasets.IDENTITY)
                    .datasetDir(data.toString())
                    .template("chatml")
                    .cutoffLen(s.cutoffLen())
                    .batchSize(8)
                    .learningRate(3e-3)
                    .epochs(s.sftEpochs())
                    .scheduler(LrSchedulerType.COSINE)
                    .warmupRatio(0.05)
                    .seed(42)
                    .outputDir(adapter)
                    .method(m -> m.loraAlpha(32).loraTarget("all"))
                    .training(t -> t.loggingSteps(10).saveSteps(1_000_000).overwriteOutputDir(true))
                    .listener(progress(s, "fine-tune"))
                    .run();
            sftLoss = r.finalLoss().orElse(Double.NaN);
        } else {
            say(s, "[2/3] LoRA adapter found in %s", adapter);
        }
        System.out.println("[3/3] chatting with the model before and after fine-tuning (greedy decoding):");
        List<String> before = chat(pretrained, QUESTIONS);
        List<String> after = chat(adapter, QUESTIONS);
        for (int i = 0; i < QUESTIONS.size(); i++) {
            System.out.printf(
                    Locale.ROOT,
                    "  user: %s%n    before: %s%n    after:  %s%n",
                    QUESTIONS.get(i),
                    before.get(i).strip(),
                    after.get(i).strip());
        }
        return new Result(base, pretrained, adapter, ptLoss, sftLoss, before, after);
    }

    /**
     * Asks a model folder written by training (a full model, or a LoRA adapter on its base model) some questions,
     * each in a fresh conversation, with the chat template training stored in the folder.
     *
     * @param folder a training output folder
     * @param questions the user messages
     * @return the replies, in order
     */
    public static List<String> chat(Path folder, List<String> questions) {
        GeneratingArguments greedy =
                GeneratingArguments.builder().doSample(false).maxNewTokens(64).build();
        List<String> replies = new ArrayList<>();
        try (ChatModel model = ChatModels.load(folder, greedy)) {
            for (String q : questions) {
                replies.add(model.chat(ChatRequest.builder()
                                .addMessage(ChatMessage.user(q))
                                .build())
                        .text());
            }
        }
        return replies;
    }

    private static TrainingListener progress(Settings s, String phase) {
        return new TrainingListener() {
            @Override
            public void onLog(LogEvent e) {
                Double loss = e.metrics().get("loss");
                if (loss != null) {
                    say(s, "  %s step %d: loss %.3f", phase, e.step(), loss);
                }
            }
        };
    }

    private static void say(Settings s, String format, Object... args) {
        if (!s.quiet()) {
            System.out.println(String.format(Locale.ROOT, format, args));
        }
    }

    /**
     * Writes the demo identity data with the assistant's name and author filled in.
     *
     * @param dir the dataset folder
     * @return the folder
     */
    static Path identityData(Path dir) {
        try {
            Files.createDirectories(dir);
            String identity =
                    Files.readString(DemoDatasets.directory().resolve("identity.json"), StandardCharsets.UTF_8);
            Files.writeString(
                    dir.resolve("identity.json"),
                    IdentityPlaceholders.replace(identity, NAME, AUTHOR),
                    StandardCharsets.UTF_8);
            Files.writeString(
                    dir.resolve("dataset_info.json"),
                    "{\"identity\": {\"file_name\": \"identity.json\"}}\n",
                    StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the identity data to " + dir, e);
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
            ModelConfig config =
                    ModelConfig.parse(new ObjectMapper().readTree(json), arch.configDefaults(), "quickstart config");
            try (NDManager m = NDManager.newBaseManager();
                    CausalLm model = arch.build(
                            config, new RandomWeights(42, 0.02, false), ComputePolicy.cpu(), m.newSubManager())) {
                ModelWriter.save(model, folder, SafetensorsDtype.F32, Long.MAX_VALUE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the quickstart model in " + folder, e);
        }
    }
}
