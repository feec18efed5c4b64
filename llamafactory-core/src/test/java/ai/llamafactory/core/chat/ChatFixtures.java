package ai.llamafactory.core.chat;

import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.generate.LogitsProcessor;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntFunction;

/** A conformance model with the byte-level tokenizer and the qwen3_nothink template, and scripted replies. */
final class ChatFixtures {
    /** The eos of the qwen templates in the byte-level vocabulary. */
    static final int IM_END = 258;

    private ChatFixtures() {}

    /** @return LLaMA-Factory's defaults with greedy decoding and at most {@code maxNew} tokens */
    static GeneratingArguments greedy(int maxNew) {
        return GeneratingArguments.builder()
                .doSample(false)
                .temperature(0)
                .maxNewTokens(maxNew)
                .build();
    }

    /**
     * Copies the qwen3 conformance model with the byte-level tokenizer into a folder and builds a chat model on it.
     *
     * @param folder where the model folder is written
     * @param generating the defaults
     * @param script forces replies (null for the model's own)
     * @return the chat model, owning model and tokenizer
     */
    static DjlChatModel chatModel(Path folder, GeneratingArguments generating, LogitsProcessor script) {
        Path dir = TinyRun.model("qwen3", folder);
        CausalLm model = DjlModelLoader.load(dir, ComputePolicy.cpu());
        HfTokenizer tokenizer = HfTokenizer.load(dir);
        ChatTemplate template = TemplateRegistry.get("qwen3_nothink");
        return DjlChatModel.builder(model, tokenizer, template)
                .generatingArguments(generating)
                .modelName("tiny-qwen3")
                .logitsProcessor(script)
                .owning(tokenizer)
                .owning(model)
                .build();
    }

    /**
     * A logits processor that makes every row emit, token by token, the ids the script gives for its prompt
     * (null for "no script"), then leaves the choice to the model.
     *
     * @param script maps a row index to the ids it must emit
     * @return the processor
     */
    static LogitsProcessor forcing(IntFunction<int[]> script) {
        return (row, prompt, generated, logits) -> {
            int[] s = script.apply(row);
            if (s != null && generated.length < s.length) {
                Arrays.fill(logits, Float.NEGATIVE_INFINITY);
                logits[s[generated.length]] = 0f;
            }
        };
    }

    /**
     * @param tokenizer the byte-level tokenizer
     * @param text a reply
     * @return its ids followed by {@code <|im_end|>}
     */
    static int[] replyIds(Tokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text, false);
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = IM_END;
        return out;
    }
}
