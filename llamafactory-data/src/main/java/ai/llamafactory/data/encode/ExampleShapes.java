package ai.llamafactory.data.encode;

import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import java.util.ArrayList;
import java.util.List;

/** Checks of the aligned form that LLaMA-Factory's processors make before encoding ("Dropped invalid example"). */
final class ExampleShapes {
    private ExampleShapes() {}

    static void requireOddPrompt(AlignedExample ex) {
        if (ex.prompt().size() % 2 != 1) {
            throw invalid(
                    ex,
                    "the prompt must have an odd number of messages (user, assistant, ..., user), got "
                            + ex.prompt().size());
        }
    }

    static void requireResponses(AlignedExample ex, int min, int max) {
        int n = ex.response().size();
        if (n < min || n > max) {
            String expected = min == max
                    ? Integer.toString(min)
                    : (max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max);
            throw invalid(ex, "expected " + expected + " response message(s), got " + n);
        }
    }

    static DatasetException invalid(AlignedExample ex, String reason) {
        return new DatasetException(
                "Dropped invalid example" + (ex.source().isEmpty() ? "" : " " + ex.source()) + ": " + reason);
    }

    static List<Message> concat(List<Message> prompt, Message response) {
        List<Message> out = new ArrayList<>(prompt.size() + 1);
        out.addAll(prompt);
        out.add(response);
        return out;
    }

    static int[] ignore(int n) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, SupervisedEncoder.IGNORE_INDEX);
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int requireEos(ai.llamafactory.data.tokenizer.Tokenizer tokenizer) {
        return tokenizer
                .specialTokens()
                .eosId()
                .orElseThrow(() -> new ai.llamafactory.api.exception.InvalidConfigException(
                        "The tokenizer has no eos token; fix it with ChatTemplate.fixSpecialTokens"));
    }
}
