package ai.llamafactory.core.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One call of {@link Generator#generate(GenerationRequest)}: the prompts (token ids, one row each), the
 * {@link GenerationConfig}, and the optional detokenizer, streaming listener, logits processor and cancellation check.
 * Immutable; build with {@link #builder()}.
 */
public final class GenerationRequest {
    private static final BooleanSupplier NEVER = () -> false;

    private final List<int[]> prompts;
    private final GenerationConfig config;
    private final Detokenizer detokenizer;
    private final GenerationListener listener;
    private final LogitsProcessor logitsProcessor;
    private final BooleanSupplier cancellation;

    private GenerationRequest(Builder b) {
        List<int[]> copies = new ArrayList<>(b.prompts.size());
        for (int[] p : b.prompts) {
            copies.add(Objects.requireNonNull(p, "prompt").clone());
        }
        this.prompts = List.copyOf(copies);
        this.config = b.config;
        this.detokenizer = b.detokenizer;
        this.listener = b.listener;
        this.logitsProcessor = b.logitsProcessor;
        this.cancellation = b.cancellation;
    }

    /** @return a builder with no prompts and the default {@link GenerationConfig} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the number of prompts */
    public int size() {
        return prompts.size();
    }

    /**
     * @param row prompt index
     * @return a copy of that prompt's ids
     */
    public int[] prompt(int row) {
        return prompts.get(row).clone();
    }

    /** @return the prompts (the arrays are the request's own: do not modify) */
    List<int[]> prompts() {
        return prompts;
    }

    /** @return the generation settings */
    public GenerationConfig config() {
        return config;
    }

    /** @return the detokenizer, or null when no text is produced */
    public Detokenizer detokenizer() {
        return detokenizer;
    }

    /** @return the streaming listener, or null */
    public GenerationListener listener() {
        return listener;
    }

    /** @return the logits processor, or null */
    public LogitsProcessor logitsProcessor() {
        return logitsProcessor;
    }

    /** @return the cancellation check (polled before every decoding step) */
    public BooleanSupplier cancellation() {
        return cancellation;
    }

    /** Builder of {@link GenerationRequest}. */
    public static final class Builder {
        private final List<int[]> prompts = new ArrayList<>();
        private GenerationConfig config = GenerationConfig.defaults();
        private Detokenizer detokenizer;
        private GenerationListener listener;
        private LogitsProcessor logitsProcessor;
        private BooleanSupplier cancellation = NEVER;

        private Builder() {}

        /**
         * @param ids one prompt's token ids (copied)
         * @return this builder
         */
        public Builder addPrompt(int... ids) {
            prompts.add(Objects.requireNonNull(ids, "prompt").clone());
            return this;
        }

        /**
         * @param all prompts' token ids (copied), one row each
         * @return this builder
         */
        public Builder prompts(List<int[]> all) {
            prompts.clear();
            all.forEach(this::addPrompt);
            return this;
        }

        /**
         * @param value the generation settings
         * @return this builder
         */
        public Builder config(GenerationConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /**
         * @param value decodes ids to text (required for stop strings and for text in the output and stream)
         * @return this builder
         */
        public Builder detokenizer(Detokenizer value) {
            this.detokenizer = value;
            return this;
        }

        /**
         * @param value receives every token as it is generated
         * @return this builder
         */
        public Builder listener(GenerationListener value) {
            this.listener = value;
            return this;
        }

        /**
         * @param value edits each row's logits before sampling
         * @return this builder
         */
        public Builder logitsProcessor(LogitsProcessor value) {
            this.logitsProcessor = value;
            return this;
        }

        /**
         * @param value polled before every step; true stops every unfinished row with {@link ai.llamafactory.api.chat.FinishReason#CANCELLED}
         *     (an interrupt of the generating thread does the same)
         * @return this builder
         */
        public Builder cancellation(BooleanSupplier value) {
            this.cancellation = value == null ? NEVER : value;
            return this;
        }

        /** @return the request */
        public GenerationRequest build() {
            return new GenerationRequest(this);
        }
    }
}
