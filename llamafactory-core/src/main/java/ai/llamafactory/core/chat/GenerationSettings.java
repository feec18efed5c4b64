package ai.llamafactory.core.chat;

import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.generate.GenerationConfig;
import java.util.List;
import java.util.Objects;

/**
 * Turns LLaMA-Factory's {@link GeneratingArguments} (the defaults of a model) and the parameters of a
 * {@link ChatRequest} into the {@link GenerationConfig} of one generation, with the rules of LLaMA-Factory's
 * Hugging Face engine ({@code _process_args}):
 * <ul>
 *   <li>every request parameter that is set overrides the default: {@code do_sample}, {@code temperature},
 *       {@code top_p}, {@code top_k}, {@code repetition_penalty}, {@code max_tokens} (as {@code max_new_tokens});</li>
 *   <li>{@code n > 1} forces sampling, with temperature 1 where it was 0;</li>
 *   <li>a temperature of 0 means greedy decoding;</li>
 *   <li>{@code max_new_tokens} 0 means "up to {@code max_length} tokens in all", prompt included;</li>
 *   <li>generation stops on the template's stop token ids (eos and stop words) together with the model's own
 *       {@code eos_token_id}s, and on the request's {@code stop} strings.</li>
 * </ul>
 * Beam search ({@code num_beams > 1}) is not implemented and is refused rather than ignored.
 */
public final class GenerationSettings {
    private GenerationSettings() {}

    /**
     * The configuration LLaMA-Factory's arguments alone describe (prediction, or a chat request without parameters).
     *
     * @param arguments the generating arguments
     * @param promptLength the number of prompt tokens (for {@code max_length})
     * @param stopTokenIds ids that end a sequence
     * @return the configuration, unseeded
     * @throws InvalidConfigException when {@code num_beams > 1} or the prompt already fills {@code max_length}
     */
    public static GenerationConfig fromArguments(
            GeneratingArguments arguments, int promptLength, List<Integer> stopTokenIds) {
        checkBeams(arguments);
        int maxNew = maxNewTokens(arguments, promptLength);
        if (maxNew < 1) {
            throw new InvalidConfigException("max_length: a prompt of " + promptLength + " tokens leaves no room for "
                    + "new tokens under max_length " + arguments.maxLength() + "; raise max_length or set "
                    + "max_new_tokens");
        }
        boolean doSample = arguments.doSample() && arguments.temperature() > 0;
        // every other setting is the arguments' own (the configuration is a view of them)
        GenerationConfig.Builder b = GenerationConfig.builder(arguments)
                .doSample(doSample)
                .temperature(doSample ? arguments.temperature() : 1.0)
                .maxNewTokens(maxNew)
                .eosTokenIds(stopTokenIds);
        return b.build();
    }

    /**
     * The configuration of one chat request: the request's parameters over the model's defaults.
     *
     * @param request the chat request
     * @param arguments the model's generating arguments
     * @param promptLength the number of prompt tokens
     * @param stopTokenIds ids that end a sequence
     * @return the configuration
     * @throws InvalidChatRequestException naming the request field when the combination is invalid (for example
     *     a prompt that already fills {@code max_length})
     * @throws InvalidConfigException when the model's arguments ask for beam search
     */
    public static GenerationConfig forRequest(
            ChatRequest request, GeneratingArguments arguments, int promptLength, List<Integer> stopTokenIds) {
        Objects.requireNonNull(request, "request");
        checkBeams(arguments);
        boolean doSample = request.doSample().orElse(arguments.doSample());
        double temperature = request.temperature().orElse(arguments.temperature());
        if (request.n() > 1) {
            doSample = true;
            temperature = temperature == 0 ? 1.0 : temperature;
        }
        if (temperature == 0) {
            doSample = false;
        }
        int maxNew;
        if (request.maxTokens().isPresent()) {
            maxNew = request.maxTokens().getAsInt();
        } else {
            maxNew = maxNewTokens(arguments, promptLength);
            if (maxNew < 1) {
                throw new InvalidChatRequestException(
                        "messages",
                        "messages: the prompt has " + promptLength
                                + " tokens, which leaves no room under the model's max_length " + arguments.maxLength()
                                + "; shorten the conversation or set max_tokens");
            }
        }
        double repetition = request.repetitionPenalty().orElse(arguments.repetitionPenalty());
        GenerationConfig.Builder b = GenerationConfig.builder(arguments)
                .doSample(doSample)
                .temperature(doSample ? temperature : 1.0)
                .topP(positiveTopP(request.topP().orElse(arguments.topP())))
                .topK(request.topK().orElse(arguments.topK()))
                .repetitionPenalty(repetition)
                .maxNewTokens(maxNew)
                .eosTokenIds(stopTokenIds)
                .stopStrings(request.stop());
        request.seed().ifPresent(b::seed);
        try {
            return b.build();
        } catch (InvalidConfigException e) {
            throw new InvalidChatRequestException(fieldOf(e.getMessage()), e.getMessage());
        }
    }

    /** The key a {@link GenerationConfig} validation message names ({@code generation config: <key> ...}). */
    private static String fieldOf(String message) {
        String prefix = "generation config: ";
        if (message != null && message.startsWith(prefix)) {
            int end = message.indexOf(' ', prefix.length());
            String key = message.substring(prefix.length(), end < 0 ? message.length() : end);
            return key.equals("max_new_tokens") ? "max_tokens" : key;
        }
        return "messages";
    }

    /** transformers accepts {@code top_p = 0} and then keeps the single most likely token; so does this. */
    private static double positiveTopP(double topP) {
        return topP <= 0 ? Double.MIN_VALUE : topP;
    }

    private static int maxNewTokens(GeneratingArguments arguments, int promptLength) {
        return arguments.maxNewTokens() > 0 ? arguments.maxNewTokens() : arguments.maxLength() - promptLength;
    }

    private static void checkBeams(GeneratingArguments arguments) {
        if (arguments.numBeams() > 1) {
            throw new InvalidConfigException("num_beams: beam search is not supported by this library's generator,"
                    + " got num_beams " + arguments.numBeams() + "; set num_beams: 1");
        }
    }
}
