package ai.llamafactory.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.core.model.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates tokens from a {@link CausalLm}: one forward over the whole (left-padded) batch of prompts fills the KV
 * cache, then each step feeds one new token per unfinished row. Rows finish on their own (end-of-sequence id, stop
 * string, {@code max_new_tokens}) and leave the batch, their cache rows dropped, so the remaining rows run at their
 * own batch size.
 *
 * <p>Left padding is handled as transformers' {@code generate} does: the attention mask hides padded keys and the
 * position ids are the cumulative sum of the mask minus one, so a padded row computes the same logits as the same
 * prompt alone. Arg-max for greedy decoding runs on the device; sampling, the repetition penalty and a
 * {@link LogitsProcessor} run on the host over fp32 logits (see {@link LogitsFilters}).
 *
 * <p>Grad mode is switched off on the calling thread for the duration of a call (libtorch's grad mode is
 * thread-local and new threads start with it on) and restored afterwards. Every step's tensors live in a per-step
 * {@link NDManager}; the cache lives in its own manager, closed when the call returns. Concurrent calls on one model
 * are safe: each has its own cache.
 */
public final class Generator {
    private final CausalLm model;

    /**
     * @param model the model; not owned (closing the generator is not needed, closing the model is the caller's job)
     */
    public Generator(CausalLm model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** @return the model tokens are generated from */
    public CausalLm model() {
        return model;
    }

    /**
     * Generates for one prompt without text.
     *
     * @param prompt token ids
     * @param config the settings
     * @return the generated tokens
     */
    public GenerationOutput generate(int[] prompt, GenerationConfig config) {
        return generate(GenerationRequest.builder()
                        .addPrompt(prompt)
                        .config(config)
                        .build())
                .get(0);
    }

    /**
     * Runs a request to the end (every row finished or cancelled), streaming to its listener on the way.
     *
     * @param request prompts, settings and callbacks
     * @return one output per prompt, in prompt order
     * @throws InvalidConfigException when a prompt is empty, holds an id outside the vocabulary, or stop strings are
     *     set without a detokenizer
     */
    public List<GenerationOutput> generate(GenerationRequest request) {
        validate(request);
        boolean gradMode = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try {
            return new Run(request).execute();
        } finally {
            DjlEngine.setGradMode(gradMode);
        }
    }

    private void validate(GenerationRequest request) {
        if (request.size() == 0) {
            throw new InvalidConfigException("generation request has no prompts");
        }
        int vocab = model.config().vocabSize();
        for (int r = 0; r < request.size(); r++) {
            int[] p = request.prompts().get(r);
            if (p.length == 0) {
                throw new InvalidConfigException("generation request: prompt " + r + " is empty");
            }
            for (int j = 0; j < p.length; j++) {
                if (p[j] < 0 || p[j] >= vocab) {
                    throw new InvalidConfigException("generation request: prompt " + r + " position " + j
                            + " holds token id " + p[j] + ", outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
        if (!request.config().stopStrings().isEmpty() && request.detokenizer() == null) {
            throw new InvalidConfigException("generation request: stop strings "
                    + request.config().stopStrings() + " need a detokenizer to be matched");
        }
    }

    /** The state of one sequence. */
    private static final class Row {
        final int index;
        final int[] prompt;
        /** Leading padding columns of this row in the batch (shrinks when shared padding is dropped). */
        int pad;

        final BitSet seen = new BitSet();
        final IncrementalDetokenizer text;
        int[] generated = new int[16];
        int count;
        FinishReason finishReason;

        Row(int index, int[] prompt, int pad, Detokenizer detokenizer, List<String> stops) {
            this.index = index;
            this.prompt = prompt;
            this.pad = pad;
            this.text = detokenizer == null ? null : new IncrementalDetokenizer(detokenizer, stops);
            for (int id : prompt) {
                seen.set(id);
            }
        }

        int[] generated() {
            return Arrays.copyOf(generated, count);
        }

        void add(int token) {
            if (count == generated.length) {
                generated = Arrays.copyOf(generated, count * 2);
            }
            generated[count++] = token;
            seen.set(token);
        }

        GenerationOutput output() {
            String t = text == null ? "" : text.text();
            return new GenerationOutput(
                    index, prompt.length, generated(), t, finishReason, text == null ? null : text.matchedStop());
        }
    }

    /** One call of generate: rows, batch composition and the loop. */
    private final class Run {
        private final GenerationRequest request;
        private final GenerationConfig config;
        private final Row[] rows;
        private final BitSet eos = new BitSet();
        private final long seed;
        private final boolean hostLogits;
        private final int maxLength;
        /** Original row index at each batch position. */
        private int[] active;
        /** Number of key positions in the cache (S). */
        private int columns;

        Run(GenerationRequest request) {
            this.request = request;
            this.config = request.config();
            List<Integer> eosIds =
                    config.eosTokenIds().isEmpty() ? model.config().eosTokenIds() : config.eosTokenIds();
            eosIds.forEach(eos::set);
            this.seed =
                    config.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
            this.hostLogits =
                    !config.isGreedy() || config.repetitionPenalty() != 1.0 || request.logitsProcessor() != null;
            int n = request.size();
            int longest = 0;
            for (int[] p : request.prompts()) {
                longest = Math.max(longest, p.length);
            }
            this.maxLength = longest;
            this.rows = new Row[n];
            this.active = new int[n];
            for (int r = 0; r < n; r++) {
                int[] p = request.prompts().get(r);
                rows[r] = new Row(r, p, longest - p.length, request.detokenizer(), config.stopStrings());
                active[r] = r;
            }
        }

        List<GenerationOutput> execute() {
            NDManager root = NDManager.newBaseManager(
                    model.policy().device(), DjlEngine.get().getEngineName());
            try (root;
                    KvCache cache = new KvCache(model.config().numLayers(), root)) {
                int[] next = null;
                while (true) {
                    if (request.cancellation().getAsBoolean()
                            || Thread.currentThread().isInterrupted()) {
                        cancelActive();
                        break;
                    }
                    int[] chosen;
                    try (NDManager step = root.newSubManager()) {
                        ForwardInput input = next == null ? prefillInput(step, cache) : decodeInput(step, cache, next);
                        NDArray hidden = model.hiddenStates(input);
                        NDArray logits = model.logits(hidden.get(new NDIndex(":, -1, :")));
                        chosen = choose(logits);
                    }
                    int[] survivors = new int[active.length];
                    int kept = 0;
                    int[] nextTokens = new int[active.length];
                    for (int i = 0; i < active.length; i++) {
                        Row row = rows[active[i]];
                        if (!accept(row, chosen[i])) {
                            survivors[kept] = i;
                            nextTokens[kept] = chosen[i];
                            kept++;
                        }
                    }
                    if (kept == 0) {
                        break;
                    }
                    if (kept < active.length) {
                        dropFinished(cache, Arrays.copyOf(survivors, kept), root);
                    }
                    next = Arrays.copyOf(nextTokens, kept);
                }
            }
            List<GenerationOutput> out = new ArrayList<>(rows.length);
            for (Row row : rows) {
                out.add(row.output());
            }
            return out;
        }

        /** The whole left-padded prompt batch; positions from the mask (cumsum - 1, 1 on padding). */
        private ForwardInput prefillInput(NDManager step, KvCache cache) {
            int b = rows.length;
            int t = maxLength;
            long[] ids = new long[b * t];
            long[] mask = new long[b * t];
            long[] positions = new long[b * t];
            boolean padded = false;
            for (int r = 0; r < b; r++) {
                Row row = rows[r];
                padded |= row.pad > 0;
                for (int j = 0; j < t; j++) {
                    int k = r * t + j;
                    if (j < row.pad) {
                        positions[k] = 1;
                    } else {
                        ids[k] = row.prompt[j - row.pad];
                        mask[k] = 1;
                        positions[k] = j - row.pad;
                    }
                }
            }
            columns = t;
            Shape shape = new Shape(b, t);
            NDArray idArray = EngineArrays.of(step, ids, shape);
            if (!padded) {
                return new ForwardInput(idArray, null, null, cache);
            }
            return new ForwardInput(
                    idArray, EngineArrays.of(step, mask, shape), EngineArrays.of(step, positions, shape), cache);
        }

        /** One new token per active row; the mask and positions only when an active row is padded. */
        private ForwardInput decodeInput(NDManager step, KvCache cache, int[] next) {
            int b = active.length;
            int s = columns + 1;
            long[] ids = new long[b];
            boolean padded = false;
            for (int i = 0; i < b; i++) {
                ids[i] = next[i];
                padded |= rows[active[i]].pad > 0;
            }
            columns = s;
            NDArray idArray = EngineArrays.of(step, ids, new Shape(b, 1));
            if (!padded) {
                return new ForwardInput(idArray, null, null, cache);
            }
            long[] mask = new long[b * s];
            long[] positions = new long[b];
            for (int i = 0; i < b; i++) {
                int pad = rows[active[i]].pad;
                Arrays.fill(mask, i * s + pad, (i + 1) * s, 1L);
                positions[i] = s - 1 - pad;
            }
            return new ForwardInput(
                    idArray,
                    EngineArrays.of(step, mask, new Shape(b, s)),
                    EngineArrays.of(step, positions, new Shape(b, 1)),
                    cache);
        }

        /** Picks the next token of every active row from logits [B, V]. */
        private int[] choose(NDArray logits) {
            int b = active.length;
            int[] chosen = new int[b];
            if (!hostLogits) {
                long[] ids = logits.argMax(1).toLongArray();
                for (int i = 0; i < b; i++) {
                    chosen[i] = (int) ids[i];
                }
                return chosen;
            }
            NDArray fp32 = logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
            float[] all = fp32.toFloatArray();
            int v = (int) logits.getShape().get(1);
            for (int i = 0; i < b; i++) {
                Row row = rows[active[i]];
                float[] x = Arrays.copyOfRange(all, i * v, (i + 1) * v);
                LogitsFilters.repetitionPenalty(x, row.seen, config.repetitionPenalty());
                if (request.logitsProcessor() != null) {
                    request.logitsProcessor().process(row.index, row.prompt, row.generated(), x);
                }
                try {
                    if (config.isGreedy()) {
                        chosen[i] = LogitsFilters.argMax(x);
                    } else {
                        LogitsFilters.temperature(x, config.temperature());
                        LogitsFilters.topK(x, config.topK());
                        LogitsFilters.topP(x, config.topP());
                        LogitsFilters.minP(x, config.minP());
                        chosen[i] = LogitsFilters.sample(x, LogitsFilters.uniform(seed, row.index, row.count));
                    }
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(
                            "generation: prompt " + row.index + ", token " + (row.count + 1) + ": " + e.getMessage(),
                            e);
                }
            }
            return chosen;
        }

        /**
         * Records a token for a row and streams it.
         *
         * @return true when the row finished
         */
        private boolean accept(Row row, int token) {
            row.add(token);
            String text = "";
            FinishReason reason = null;
            if (eos.get(token)) {
                reason = FinishReason.STOP;
                if (row.text != null) {
                    text = row.text.finish();
                }
            } else {
                if (row.text != null) {
                    text = row.text.push(token);
                    if (row.text.matchedStop() != null) {
                        reason = FinishReason.STOP;
                        row.text.finish();
                    }
                }
                if (reason == null && row.count >= config.maxNewTokens()) {
                    reason = FinishReason.LENGTH;
                    if (row.text != null) {
                        text = text + row.text.finish();
                    }
                }
            }
            row.finishReason = reason;
            emit(new StreamChunk(row.index, token, row.count, text, reason));
            return reason != null;
        }

        private void cancelActive() {
            for (int r : active) {
                Row row = rows[r];
                row.finishReason = FinishReason.CANCELLED;
                String text = row.text == null ? "" : row.text.finish();
                emit(new StreamChunk(row.index, StreamChunk.NO_TOKEN, row.count, text, FinishReason.CANCELLED));
            }
        }

        private void emit(StreamChunk chunk) {
            if (request.listener() != null) {
                request.listener().onChunk(chunk);
            }
        }

        /** Keeps the batch positions {@code keep} (ascending) in the cache and the batch. */
        private void dropFinished(KvCache cache, int[] keep, NDManager root) {
            long[] idx = new long[keep.length];
            int[] nextActive = new int[keep.length];
            for (int i = 0; i < keep.length; i++) {
                idx[i] = keep[i];
                nextActive[i] = active[keep[i]];
            }
            try (NDManager tmp = root.newSubManager()) {
                cache.select(EngineArrays.of(tmp, idx));
            }
            active = nextActive;
            // Padding columns that every remaining row has (a long prompt finished) cost attention work for nothing.
            int shared = Integer.MAX_VALUE;
            for (int r : active) {
                shared = Math.min(shared, rows[r].pad);
            }
            if (shared > 0) {
                cache.dropLeading(shared);
                columns -= shared;
                for (int r : active) {
                    rows[r].pad -= shared;
                }
            }
        }
    }
}
