package ai.llamafactory.core.hub;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Selections of repository files for {@link HubClient#snapshot(String, String, Predicate)}. A filter receives the
 * path of a file inside the repository with {@code /} as separator, e.g. {@code model.safetensors} or {@code
 * onnx/model.onnx}.
 */
public final class HubFileFilters {

    /** Top-level files a causal language model needs: configuration, safetensors weights and tokenizer files. */
    public static final List<String> MODEL_PATTERNS = List.of(
            "config.json",
            "generation_config.json",
            "*.safetensors",
            "model.safetensors.index.json",
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "tokenizer.model",
            "vocab.json",
            "merges.txt",
            "added_tokens.json",
            "chat_template.jinja");

    /** Top-level files of a PEFT adapter. */
    public static final List<String> ADAPTER_PATTERNS = List.of("adapter_config.json", "adapter_model.safetensors");

    private static final Predicate<String> MODEL_FILES = glob(MODEL_PATTERNS);
    private static final Predicate<String> ADAPTER_FILES = glob(ADAPTER_PATTERNS);

    private HubFileFilters() {}

    /** @return the filter of {@link #MODEL_PATTERNS}: what is needed to load and fine-tune a model */
    public static Predicate<String> modelFiles() {
        return MODEL_FILES;
    }

    /** @return the filter of {@link #ADAPTER_PATTERNS}: a LoRA or other PEFT adapter */
    public static Predicate<String> adapterFiles() {
        return ADAPTER_FILES;
    }

    /** @return a filter that accepts every file of the repository */
    public static Predicate<String> allFiles() {
        return path -> true;
    }

    /**
     * Builds a filter from glob patterns matched against the whole path: {@code *} matches any characters except
     * {@code /}, {@code **} matches any characters including {@code /}, {@code ?} matches one character except
     * {@code /}; everything else matches itself. So {@code *.safetensors} selects top-level weight files only and
     * {@code **.json} selects JSON files in every folder.
     *
     * @param patterns the patterns; a file is accepted when any of them matches
     * @return the filter
     */
    public static Predicate<String> glob(String... patterns) {
        return glob(List.of(patterns));
    }

    /**
     * Builds a filter from glob patterns; see {@link #glob(String...)}.
     *
     * @param patterns the patterns; a file is accepted when any of them matches
     * @return the filter
     */
    public static Predicate<String> glob(List<String> patterns) {
        StringBuilder regex = new StringBuilder();
        for (String pattern : patterns) {
            Objects.requireNonNull(pattern, "pattern");
            if (regex.length() > 0) {
                regex.append('|');
            }
            regex.append("(?:").append(globToRegex(pattern)).append(')');
        }
        if (regex.length() == 0) {
            return path -> false;
        }
        Pattern compiled = Pattern.compile(regex.toString());
        return path -> path != null && compiled.matcher(path).matches();
    }

    private static String globToRegex(String glob) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    out.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                if (c == '?') {
                    out.append("[^/]");
                } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    out.append(".*");
                    i++;
                } else {
                    out.append("[^/]*");
                }
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            out.append(Pattern.quote(literal.toString()));
        }
        return out.toString();
    }
}
