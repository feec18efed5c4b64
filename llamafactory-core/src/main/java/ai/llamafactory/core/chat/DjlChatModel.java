package ai.llamafactory.core.chat;

import ai.llamafactory.api.chat.ChatChoice;
import ai.llamafactory.api.chat.ChatDelta;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatResponse;
import ai.llamafactory.api.chat.ChatStreamEnd;
import ai.llamafactory.api.chat.ChatStreamListener;
import ai.llamafactory.api.chat.ChatUsage;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.chat.ToolCall;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.generate.Detokenizer;
import ai.llamafactory.core.generate.GenerationConfig;
import ai.llamafactory.core.generate.GenerationOutput;
import ai.llamafactory.core.generate.GenerationRequest;
import ai.llamafactory.core.generate.Generator;
import ai.llamafactory.core.generate.LogitsProcessor;
import ai.llamafactory.core.generate.StreamChunk;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.loader.ModelFolders;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.tuning.TuningMethod;
import ai.llamafactory.core.tuning.TuningMethods;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.FunctionCall;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import ai.llamafactory.data.worker.DefaultDataWorker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChatModel} on a DJL {@link CausalLm}: LLaMA-Factory's {@code ChatModel} with its Hugging Face engine.
 *
 * <p>A conversation is encoded exactly as training encoded it: the {@link ChatTemplate} (with the run's
 * {@code default_system}, {@code tool_format} and {@code enable_thinking}) renders the system prompt, the tools in the
 * template's tool format, the history (assistant tool calls as function turns, tool results as observation turns) and
 * opens the assistant turn (see {@link #encodePrompt}). The {@link Generator} then decodes with the request's
 * parameters over the model's {@link GeneratingArguments} (see {@link GenerationSettings}), stopping on the
 * template's stop token ids, the model's eos ids and the request's stop strings. When the request offers tools, the
 * reply is parsed with the template's tool format; a reply that is a call ends with {@link FinishReason#TOOL_CALLS}.
 * Streams hold text back while a tool call may be forming (see the class notes of {@code ToolCallHoldBack}).
 * {@code n > 1} replies are one batched generation of the prompt, each row drawing its own random stream from the
 * seed.
 *
 * <p><b>Threads.</b> Every generation runs on the model's own worker thread, with autograd off, one generation at a
 * time in arrival order; callers block until their reply is complete (a stream's listener is called on the caller's
 * thread, as {@link ChatModel} requires). Any number of threads may call one instance; their requests queue. A request
 * that is cancelled while queued leaves the queue at once; a running one stops within one token.
 *
 * <p>Create one from a configuration ({@link #create}, which loads the model, its adapters and its template), from a
 * training output folder ({@link #fromFolder}), or from parts ({@link #builder}). Close it to stop the worker and
 * release what it owns.
 *
 * <pre>{@code
 * try (DjlChatModel chat = DjlChatModel.fromFolder(Path.of("saves/qwen3-sft"))) {
 *     ChatResponse r = chat.chat(ChatRequest.builder().addMessage(ChatMessage.user("Hi!")).build());
 *     System.out.println(r.text());
 * }
 * }</pre>
 */
public final class DjlChatModel implements ChatModel, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DjlChatModel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MILLIS = 20;
    private static final long CLOSE_WAIT_SECONDS = 30;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Marks the end of a streamed generation in the event queue. */
    private static final Object END_OF_STREAM = new Object();

    private final CausalLm model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final GeneratingArguments defaults;
    private final String modelName;
    private final List<Integer> stopTokenIds;
    private final LogitsProcessor logitsProcessor;
    private final Detokenizer detokenizer;
    private final Generator generator;
    private final ExecutorService worker;
    private final List<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DjlChatModel(Builder b) {
        this.model = b.model;
        this.template = b.template;
        Tokenizer fixed = b.template.fixSpecialTokens(b.tokenizer);
        List<AutoCloseable> resources = new ArrayList<>(b.owned);
        if (fixed != b.tokenizer && fixed instanceof AutoCloseable closeable) {
            resources.add(closeable);
        }
        this.tokenizer = fixed;
        this.owned = List.copyOf(resources);
        int modelVocab = model.config().vocabSize();
        if (fixed.vocabSize() > modelVocab) {
            throw new InvalidConfigException("template " + template.name() + ": the tokenizer has " + fixed.vocabSize()
                    + " ids but the model's vocabulary has " + modelVocab + "; the model was not resized for the"
                    + " template's tokens (resize_vocab)");
        }
        this.defaults = b.generating;
        this.modelName = b.modelName;
        Set<Integer> stops = new LinkedHashSet<>(template.stopTokenIds(fixed));
        stops.addAll(model.config().eosTokenIds());
        this.stopTokenIds = List.copyOf(stops);
        this.logitsProcessor = b.logitsProcessor;
        boolean skipSpecial = defaults.skipSpecialTokens();
        Tokenizer tok = fixed;
        this.detokenizer = ids -> tok.decode(ids, skipSpecial);
        this.generator = new Generator(model);
        String threadName = "llamafactory-chat-" + INSTANCES.incrementAndGet();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        model.setTraining(false);
        LOG.info(
                "chat model {}: template {}, stop token ids {}, {}",
                modelName,
                template.name(),
                stopTokenIds,
                defaults);
    }

    /**
     * Starts a chat model from parts. The tokenizer is given the template's special-token fixes (as training did);
     * pass the raw tokenizer of the model.
     *
     * @param model the model (not closed by the chat model unless {@link Builder#owning} says so)
     * @param tokenizer the model's tokenizer
     * @param template the chat template the model was trained with
     * @return a builder
     */
    public static Builder builder(CausalLm model, Tokenizer tokenizer, ChatTemplate template) {
        return new Builder(model, tokenizer, template);
    }

    /**
     * Loads what a configuration names, as LLaMA-Factory's {@code ChatModel(args)}: {@code model_name_or_path} (a
     * folder or a hub id), {@code adapter_name_or_path} (applied through the fine-tuning method of
     * {@code finetuning_type}, which needs the llamafactory-peft module), {@code template} with
     * {@code default_system}, {@code tool_format} and {@code enable_thinking} (a missing template is derived from the
     * tokenizer's {@code chat_template}), the device and precision, and the generation arguments as defaults.
     *
     * @param config the configuration
     * @return the chat model; close it
     * @throws LlamaFactoryException when the model, tokenizer, template or adapters cannot be loaded
     */
    public static DjlChatModel create(FineTuneConfig config) {
        Path folder = ModelFolders.resolve(config.model());
        return load(config, folder, folder, displayName(config.model()));
    }

    /**
     * Loads a model written by a training run (or any Hugging Face model folder) with the chat template stored in its
     * {@code tokenizer_config.json} ({@code chat_template}, which training writes) and LLaMA-Factory's default
     * generation arguments. A LoRA output folder ({@code adapter_config.json} without {@code config.json}) is loaded
     * onto its {@code base_model_name_or_path}, which needs the llamafactory-peft module.
     *
     * @param folder the output folder
     * @return the chat model; close it
     */
    public static DjlChatModel fromFolder(Path folder) {
        return fromFolder(folder, GeneratingArguments.defaults());
    }

    /**
     * As {@link #fromFolder(Path)}, with other generation defaults.
     *
     * @param folder the output folder
     * @param generating the generation arguments every request starts from
     * @return the chat model; close it
     * @throws CheckpointException when the folder holds neither a model nor an adapter
     */
    public static DjlChatModel fromFolder(Path folder, GeneratingArguments generating) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(generating, "generating");
        Path dir = folder.toAbsolutePath().normalize();
        Map<String, Object> args = new LinkedHashMap<>();
        String name =
                dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        if (Files.exists(dir.resolve("config.json"))) {
            args.put("model_name_or_path", dir.toString());
            args.put("finetuning_type", "full");
            FineTuneConfig config = FineTuneConfig.fromArguments(args).toBuilder()
                    .generating(generating)
                    .build();
            return load(config, dir, dir, name);
        }
        Path adapterConfig = dir.resolve("adapter_config.json");
        if (!Files.exists(adapterConfig)) {
            throw new CheckpointException(
                    dir + " holds neither a model (config.json) nor a LoRA adapter" + " (adapter_config.json)");
        }
        String base = baseModelOf(adapterConfig);
        args.put("model_name_or_path", base);
        args.put("adapter_name_or_path", dir.toString());
        args.put("finetuning_type", "lora");
        FineTuneConfig config = FineTuneConfig.fromArguments(args).toBuilder()
                .generating(generating)
                .build();
        Path baseFolder = ModelFolders.resolve(config.model());
        Path tokenizerFolder = Files.exists(dir.resolve("tokenizer_config.json")) ? dir : baseFolder;
        return load(config, baseFolder, tokenizerFolder, name);
    }

    private static String baseModelOf(Path adapterConfig) {
        try {
            JsonNode node = JSON.readTree(adapterConfig.toFile());
            JsonNode base = node == null ? null : node.get("base_model_name_or_path");
            if (base == null || !base.isTextual() || base.asText().isBlank()) {
                throw new CheckpointException(adapterConfig + ": base_model_name_or_path is missing; load the base"
                        + " model with DjlChatModel.create and adapter_name_or_path instead");
            }
            return base.asText();
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + adapterConfig + ": " + e.getMessage(), e);
        }
    }

    private static DjlChatModel load(FineTuneConfig config, Path modelFolder, Path tokenizerFolder, String name) {
        DjlEngine.get();
        ComputePolicy policy = ComputePolicy.resolve(config.model().device(), config.computePrecision());
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            HfTokenizer tokenizer = HfTokenizer.load(tokenizerFolder);
            owned.add(tokenizer);
            ChatTemplate template = DefaultDataWorker.configureTemplate(config.data(), tokenizer);
            boolean adapters = !config.model().adapterNameOrPath().isEmpty();
            TuningMethod method = adapters ? TuningMethods.create(config) : null;
            CausalLm model = DjlModelLoader.load(modelFolder, policy);
            owned.add(model);
            if (method != null) {
                method.apply(model);
                LOG.info("loaded adapter(s) {}", config.model().adapterNameOrPath());
            }
            Builder b = builder(model, tokenizer, template)
                    .generatingArguments(config.generating())
                    .modelName(name);
            owned.forEach(b::owning);
            return b.build();
        } catch (RuntimeException e) {
            closeAll(owned, e);
            throw e;
        }
    }

    private static String displayName(ModelArguments model) {
        String name = model.modelNameOrPath();
        Path p = Path.of(name);
        if (Files.isDirectory(p) && p.toAbsolutePath().normalize().getFileName() != null) {
            return p.toAbsolutePath().normalize().getFileName().toString();
        }
        return name;
    }

    // ------------------------------------------------------------------ accessors

    /** @return the model generation runs on */
    public CausalLm model() {
        return model;
    }

    /** @return the tokenizer, with the template's special-token fixes */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** @return the chat template conversations are encoded with */
    public ChatTemplate template() {
        return template;
    }

    /** @return the generation defaults requests start from */
    public GeneratingArguments generatingArguments() {
        return defaults;
    }

    /** @return the ids generation stops on: the template's (eos and stop words) and the model's eos ids */
    public List<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    @Override
    public String modelName() {
        return modelName;
    }

    /**
     * Reward-model scores are not available yet: the value head of stage {@code rm} models is not loaded by this
     * class.
     *
     * @param texts ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public List<Double> scores(List<String> texts) {
        throw new UnsupportedOperationException("model '" + modelName + "': reward-model scores (LLaMA-Factory's"
                + " get_scores, POST /v1/score/evaluation) are not supported by DjlChatModel yet; it loads causal"
                + " language models without a value head");
    }

    // ------------------------------------------------------------------ prompts

    /**
     * Encodes a request's conversation as the model sees it: the template's encoding of the messages followed by an
     * empty assistant turn, keeping the prompt part (LLaMA-Factory's {@code encode_oneturn} with
     * {@code messages + [{"role": "assistant", "content": ""}]}).
     *
     * @param request the request
     * @return the prompt token ids
     * @throws InvalidChatRequestException when the roles do not alternate as templates require, or the template
     *     cannot render a message (a tool call whose JSON it cannot format, for example)
     */
    public int[] encodePrompt(ChatRequest request) {
        TemplateConversation conversation = TemplateConversation.of(request);
        int[] ids;
        try {
            ids = template.encodeOneTurn(
                            tokenizer,
                            conversation.withOpenAssistantTurn(),
                            conversation.system(),
                            conversation.tools())
                    .sourceIds();
        } catch (InvalidChatRequestException e) {
            throw e;
        } catch (InvalidConfigException e) {
            String field = e.getMessage() != null && e.getMessage().contains("tool description") ? "tools" : "messages";
            throw new InvalidChatRequestException(
                    field,
                    field + ": template " + template.name() + " cannot encode this conversation: " + e.getMessage());
        }
        if (ids.length == 0) {
            throw new InvalidChatRequestException(
                    "messages",
                    "messages: the conversation encodes to an empty prompt" + " with template " + template.name());
        }
        return ids;
    }

    /**
     * @param request the request
     * @return the prompt as text, special tokens included (what {@link #encodePrompt} encodes)
     */
    public String renderPrompt(ChatRequest request) {
        return tokenizer.decode(encodePrompt(request), false);
    }

    /**
     * @param request the request
     * @param promptLength the number of prompt tokens
     * @return the generation settings the request runs with
     */
    public GenerationConfig generationConfig(ChatRequest request, int promptLength) {
        return GenerationSettings.forRequest(request, defaults, promptLength, stopTokenIds);
    }

    // ------------------------------------------------------------------ chat

    @Override
    public ChatResponse chat(ChatRequest request, CancellationToken cancellation) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(cancellation, "cancellation");
        ensureOpen();
        int[] prompt = encodePrompt(request);
        GenerationConfig config = generationConfig(request, prompt.length);
        AtomicBoolean stop = new AtomicBoolean();
        GenerationRequest generation = GenerationRequest.builder()
                .prompts(Collections.nCopies(request.n(), prompt))
                .config(config)
                .detokenizer(detokenizer)
                .logitsProcessor(logitsProcessor)
                .cancellation(() -> stop.get() || cancellation.isCancelled() || closed.get())
                .build();
        AtomicBoolean started = new AtomicBoolean();
        Future<List<GenerationOutput>> future = submit(started, () -> generator.generate(generation));
        List<GenerationOutput> outputs = await(future, started, stop, cancellation);
        boolean tools = request.tools().isPresent();
        List<ChatChoice> choices = new ArrayList<>(outputs.size());
        int completion = 0;
        for (GenerationOutput out : outputs) {
            if (out.finishReason() == FinishReason.CANCELLED) {
                throw cancelled(cancellation);
            }
            completion += out.tokenCount();
            Optional<List<FunctionCall>> calls = tools ? template.extractToolCalls(out.text()) : Optional.empty();
            if (calls.isPresent()) {
                choices.add(ChatChoice.ofToolCalls(out.row(), toolCalls(calls.get())));
            } else {
                choices.add(ChatChoice.ofText(out.row(), out.text(), finishReason(out)));
            }
        }
        return new ChatResponse(choices, new ChatUsage(prompt.length, completion));
    }

    @Override
    public void streamChat(ChatRequest request, ChatStreamListener listener, CancellationToken cancellation) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(cancellation, "cancellation");
        int[] prompt;
        GenerationConfig config;
        try {
            Objects.requireNonNull(request, "request");
            ensureOpen();
            if (request.n() > 1) {
                throw new InvalidChatRequestException("n", "n: a stream carries one reply, got n=" + request.n());
            }
            prompt = encodePrompt(request);
            config = generationConfig(request, prompt.length);
        } catch (RuntimeException e) {
            listener.onError(e);
            return;
        }
        new Stream(request, prompt, config, listener, cancellation).run();
    }

    /** One streamed reply: the worker generates into a queue, the caller's thread drains it into the listener. */
    private final class Stream {
        private final ChatRequest request;
        private final int[] prompt;
        private final GenerationConfig config;
        private final ChatStreamListener listener;
        private final CancellationToken cancellation;
        private final ToolCallHoldBack holdBack;
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicBoolean started = new AtomicBoolean();
        /** Released by the caller's thread once it has passed a chunk to the listener. */
        private final Semaphore consumed = new Semaphore(0);
        /** Set when the caller's thread stops draining the queue, so that the worker never waits for it in vain. */
        private final AtomicBoolean callerGone = new AtomicBoolean();

        private final StringBuilder text = new StringBuilder();
        private int released;
        private int tokensSinceDelta;
        private boolean listenerStopped;
        private RuntimeException listenerFailure;

        Stream(
                ChatRequest request,
                int[] prompt,
                GenerationConfig config,
                ChatStreamListener listener,
                CancellationToken cancellation) {
            this.request = request;
            this.prompt = prompt;
            this.config = config;
            this.listener = listener;
            this.cancellation = cancellation;
            this.holdBack =
                    ToolCallHoldBack.of(template.toolFormat(), request.tools().isPresent());
        }

        /**
         * Runs on the worker: queues a chunk and waits until the caller's thread has shown it to the listener, so that
         * a listener that answers false stops the generation before the next token.
         */
        private void handOver(StreamChunk chunk) {
            events.add(chunk);
            try {
                while (!consumed.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    if (callerGone.get()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void run() {
            try {
                drain();
            } finally {
                callerGone.set(true);
            }
        }

        private void drain() {
            GenerationRequest generation = GenerationRequest.builder()
                    .addPrompt(prompt)
                    .config(config)
                    .detokenizer(detokenizer)
                    .logitsProcessor(logitsProcessor)
                    .listener(this::handOver)
                    .cancellation(() -> stop.get() || cancellation.isCancelled() || closed.get())
                    .build();
            Future<List<GenerationOutput>> future;
            try {
                future = submit(started, () -> {
                    try {
                        return generator.generate(generation);
                    } finally {
                        events.add(END_OF_STREAM);
                    }
                });
            } catch (RuntimeException e) {
                listener.onError(e);
                return;
            }
            boolean interrupted = false;
            while (true) {
                Object event;
                try {
                    event = events.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop.set(true);
                    continue;
                }
                if (event == END_OF_STREAM) {
                    break;
                }
                if (event == null) {
                    if ((interrupted || cancellation.isCancelled() || closed.get())
                            && !started.get()
                            && future.cancel(false)) {
                        restoreInterrupt(interrupted);
                        listener.onError(interrupted ? interruptedWhileWaiting() : cancelled(cancellation));
                        return;
                    }
                    continue;
                }
                try {
                    onChunk((StreamChunk) event);
                } finally {
                    consumed.release();
                }
            }
            restoreInterrupt(interrupted);
            finish(future, interrupted);
        }

        private void onChunk(StreamChunk chunk) {
            if (listenerStopped) {
                return;
            }
            text.append(chunk.text());
            if (chunk.tokenId() != StreamChunk.NO_TOKEN) {
                tokensSinceDelta++;
            }
            if (!chunk.isLast()) {
                release(holdBack.releasable(text));
            }
        }

        private void release(int upTo) {
            if (upTo <= released) {
                return;
            }
            ChatDelta delta = new ChatDelta(text.substring(released, upTo), tokensSinceDelta);
            released = upTo;
            tokensSinceDelta = 0;
            try {
                if (!listener.onDelta(delta)) {
                    listenerStopped = true;
                    stop.set(true);
                }
            } catch (RuntimeException e) {
                listenerFailure = e;
                listenerStopped = true;
                stop.set(true);
            }
        }

        private void finish(Future<List<GenerationOutput>> future, boolean interrupted) {
            GenerationOutput out;
            try {
                out = future.get().get(0);
            } catch (ExecutionException e) {
                listener.onError(unwrap(e.getCause()));
                return;
            } catch (InterruptedException | CancellationException e) {
                listener.onError(cancelled(cancellation));
                return;
            }
            if (listenerFailure != null) {
                listener.onError(listenerFailure);
                return;
            }
            if (listenerStopped || out.finishReason() == FinishReason.CANCELLED) {
                listener.onError(
                        listenerStopped
                                ? new ChatCancelledException(
                                        "generation cancelled: the stream" + " listener asked to stop")
                                : interrupted ? interruptedWhileWaiting() : cancelled(cancellation));
                return;
            }
            ChatUsage usage = new ChatUsage(prompt.length, out.tokenCount());
            String full = out.text();
            Optional<List<FunctionCall>> calls =
                    request.tools().isPresent() ? template.extractToolCalls(full) : Optional.empty();
            if (calls.isPresent()) {
                listener.onComplete(new ChatStreamEnd(FinishReason.TOOL_CALLS, toolCalls(calls.get()), usage));
                return;
            }
            if (full.length() > released) {
                text.setLength(0);
                text.append(full);
                release(full.length());
                if (listenerFailure != null) {
                    listener.onError(listenerFailure);
                    return;
                }
                if (listenerStopped) {
                    listener.onError(
                            new ChatCancelledException("generation cancelled: the stream listener asked to" + " stop"));
                    return;
                }
            }
            listener.onComplete(ChatStreamEnd.of(finishReason(out), usage));
        }
    }

    // ------------------------------------------------------------------ worker

    private <T> Future<T> submit(AtomicBoolean started, Callable<T> body) {
        try {
            return worker.submit(() -> {
                started.set(true);
                boolean gradMode = DjlEngine.isGradMode();
                DjlEngine.setGradMode(false);
                try {
                    return body.call();
                } finally {
                    DjlEngine.setGradMode(gradMode);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("chat model '" + modelName + "' is closed", e);
        }
    }

    /** Waits for a generation, leaving the queue at once when cancelled before it started. */
    private <T> T await(Future<T> future, AtomicBoolean started, AtomicBoolean stop, CancellationToken cancellation) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (interrupted || cancellation.isCancelled() || closed.get()) {
                        stop.set(true);
                        if (!started.get() && future.cancel(false)) {
                            throw interrupted ? interruptedWhileWaiting() : cancelled(cancellation);
                        }
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop.set(true);
                } catch (CancellationException e) {
                    throw cancelled(cancellation);
                } catch (ExecutionException e) {
                    throw unwrap(e.getCause());
                }
            }
        } finally {
            restoreInterrupt(interrupted);
        }
    }

    private static void restoreInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static ChatCancelledException interruptedWhileWaiting() {
        return new ChatCancelledException("generation cancelled: the waiting thread was interrupted");
    }

    private ChatCancelledException cancelled(CancellationToken cancellation) {
        if (cancellation.isCancelled()) {
            return new ChatCancelledException("generation cancelled: " + cancellation.reason());
        }
        if (closed.get()) {
            return new ChatCancelledException("generation cancelled: chat model '" + modelName + "' was closed");
        }
        return new ChatCancelledException("generation cancelled");
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new LlamaFactoryException("generation failed: " + cause, cause);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("chat model '" + modelName + "' is closed");
        }
    }

    private static FinishReason finishReason(GenerationOutput out) {
        if (out.finishReason() == FinishReason.CANCELLED) {
            throw new IllegalStateException("a cancelled row has no finish reason");
        }
        return out.finishReason();
    }

    private static List<ToolCall> toolCalls(List<FunctionCall> calls) {
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (FunctionCall c : calls) {
            out.add(ToolCall.withNewId(c.name(), c.arguments()));
        }
        return out;
    }

    /**
     * Stops the worker (a running generation is cancelled; queued requests fail with
     * {@link ChatCancelledException}) and closes what this chat model owns. Idempotent.
     *
     * <p>The owned model and tokenizer are closed on the worker thread, as its last task: the worker is the only
     * thread that touches the model's arrays, so they are never freed under a generation that is still running
     * (if one does not stop within 30 s, this method returns and the worker frees them when it ends).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        worker.execute(() -> closeAll(owned, null));
        worker.shutdown();
        try {
            if (!worker.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn(
                        "chat model {}: a generation did not stop within {} s of close; the model is freed when "
                                + "it stops",
                        modelName,
                        CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes resources in the reverse order of the list, attaching failures to {@code primary} when given. */
    private static void closeAll(List<AutoCloseable> resources, Throwable primary) {
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        for (AutoCloseable r : reversed) {
            try {
                r.close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else {
                    LOG.warn("closing {} failed: {}", r, e.toString());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "DjlChatModel[" + modelName + ", template " + template.name() + "]";
    }

    /** Builder of {@link DjlChatModel} from parts. */
    public static final class Builder {
        private final CausalLm model;
        private final Tokenizer tokenizer;
        private final ChatTemplate template;
        private GeneratingArguments generating = GeneratingArguments.defaults();
        private String modelName;
        private LogitsProcessor logitsProcessor;
        private final List<AutoCloseable> owned = new ArrayList<>();

        private Builder(CausalLm model, Tokenizer tokenizer, ChatTemplate template) {
            this.model = Objects.requireNonNull(model, "model");
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            this.template = Objects.requireNonNull(template, "template");
        }

        /**
         * @param value the defaults every request starts from (default: LLaMA-Factory's)
         * @return this builder
         */
        public Builder generatingArguments(GeneratingArguments value) {
            this.generating = Objects.requireNonNull(value, "generatingArguments");
            return this;
        }

        /**
         * @param value the name under which the model is served; null lets a server pick its default
         * @return this builder
         */
        public Builder modelName(String value) {
            this.modelName = value;
            return this;
        }

        /**
         * @param value edits the next-token logits of every generation (constrained decoding; tests script replies
         *     with it); null for none
         * @return this builder
         */
        public Builder logitsProcessor(LogitsProcessor value) {
            this.logitsProcessor = value;
            return this;
        }

        /**
         * @param resource closed when the chat model is closed (resources close in the reverse order of these calls)
         * @return this builder
         */
        public Builder owning(AutoCloseable resource) {
            owned.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * @return the chat model, its worker thread started
         * @throws InvalidConfigException when the template needs tokens the model's vocabulary lacks
         */
        public DjlChatModel build() {
            return new DjlChatModel(this);
        }
    }
}
