package ai.llamafactory.data.tokenizer;

import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a tokenizer whose vocabulary cannot represent the data (a wrong {@code tokenizer.json}, a vocabulary without
 * the data's script): encoded, such data is mostly the unknown token, and a model trained on it learns nothing useful
 * while the loss looks normal.
 *
 * <pre>{@code
 * VocabularyCheck.check(tokenizer, loaded.train(), "tokenizer in /models/qwen3");
 * }</pre>
 *
 * <p><b>The measure.</b> For a sample of examples (every k-th example, at most {@value #SAMPLED_EXAMPLES}, each text
 * cut to its first {@value #SAMPLED_CHARS} characters) every message and the system prompt are encoded without special
 * tokens; the ids that are not the unknown token are decoded back. The share of the text's non-whitespace characters
 * that this decoded text lacks is the <em>uncovered fraction</em>. It counts both ways a vocabulary fails: characters
 * mapped to the unknown token (WordLevel, WordPiece, BPE or Unigram with an {@code unk_token}) and characters a model
 * without one silently drops (BPE without byte fallback). Whitespace is left out because decoders legitimately add or
 * remove it; normalizers that expand text (NFKC) can only lower the count. Byte-level and byte-fallback tokenizers
 * cover any text, so they always measure 0.
 *
 * <p><b>The thresholds.</b> Above {@value #MAX_UNCOVERED_FRACTION} (10%) for any dataset the data is refused: one
 * character in ten lost means most sentences contain an unknown token, which is a tokenizer that does not fit the data,
 * not a few stray symbols. Above {@value #WARN_UNCOVERED_FRACTION} (1%) a warning names the dataset: a tokenizer made
 * for the data loses well under 1% (a few emoji or rare symbols in an old WordPiece vocabulary), so more deserves a
 * look without stopping the run.
 *
 * <p>Examples are grouped by dataset through their {@link AlignedExample#source()} ({@code dataset:file:line}), so
 * the message names the dataset that fails, with a sample of its text and what the tokenizer made of it.
 */
public final class VocabularyCheck {
    /** Above this uncovered fraction a dataset is refused. */
    public static final double MAX_UNCOVERED_FRACTION = 0.10;
    /** Above this uncovered fraction a dataset is named in a warning. */
    public static final double WARN_UNCOVERED_FRACTION = 0.01;
    /** At most this many examples are measured (spread evenly over the list). */
    public static final int SAMPLED_EXAMPLES = 1000;
    /** Each text is measured on at most this many characters. */
    public static final int SAMPLED_CHARS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(VocabularyCheck.class);
    private static final int EXCERPT = 60;

    private VocabularyCheck() {}

    /**
     * What was measured for one dataset.
     *
     * @param dataset the dataset name (the part of the examples' source before the first {@code :})
     * @param examples examples measured
     * @param characters non-whitespace characters measured
     * @param uncovered of these, characters the vocabulary does not represent
     * @param tokens tokens the measured text encoded to
     * @param unknownTokens of these, unknown tokens
     * @param worstSource the source of the example with the largest uncovered share
     * @param worstText an excerpt of that example's text
     * @param worstDecoded an excerpt of what its tokens decode to
     * @param worstTokens how many tokens it encoded to
     */
    public record Coverage(
            String dataset,
            int examples,
            long characters,
            long uncovered,
            long tokens,
            long unknownTokens,
            String worstSource,
            String worstText,
            String worstDecoded,
            int worstTokens) {

        /** @return the uncovered share of the non-whitespace characters, 0 when there were none */
        public double uncoveredFraction() {
            return characters == 0 ? 0 : (double) uncovered / characters;
        }

        /** @return the unknown share of the tokens, 0 when there were none */
        public double unknownFraction() {
            return tokens == 0 ? 0 : (double) unknownTokens / tokens;
        }
    }

    /**
     * Measures the examples dataset by dataset, warns above {@link #WARN_UNCOVERED_FRACTION} and refuses above
     * {@link #MAX_UNCOVERED_FRACTION}.
     *
     * @param tokenizer the tokenizer the data will be encoded with
     * @param examples the examples (training and evaluation)
     * @param tokenizerName how to name the tokenizer in messages, e.g. {@code tokenizer in /models/x}
     * @return the coverage per dataset, in order of first appearance
     * @throws DatasetException naming the dataset, the fractions, the threshold and a sample text with what it
     *     encoded to, when a dataset is over {@link #MAX_UNCOVERED_FRACTION}
     */
    public static List<Coverage> check(Tokenizer tokenizer, List<AlignedExample> examples, String tokenizerName) {
        List<Coverage> all = measure(tokenizer, examples);
        for (Coverage c : all) {
            if (c.uncoveredFraction() > MAX_UNCOVERED_FRACTION) {
                throw new DatasetException("The " + tokenizerName + " cannot encode dataset '" + c.dataset() + "': "
                        + percent(c.uncoveredFraction()) + " of the non-whitespace characters of " + c.examples()
                        + " sampled rows are not in its vocabulary (" + percent(c.unknownFraction()) + " of the "
                        + c.tokens() + " tokens are the unknown token"
                        + unknownName(tokenizer)
                        + "); the limit is " + percent(MAX_UNCOVERED_FRACTION) + ". For example " + c.worstSource()
                        + ": '" + c.worstText() + "' encodes to " + c.worstTokens() + " tokens that decode to '"
                        + c.worstDecoded() + "'. Training on it would learn unknown tokens: use the tokenizer that "
                        + "belongs to the model, or a model whose vocabulary covers this data");
            }
            if (c.uncoveredFraction() > WARN_UNCOVERED_FRACTION) {
                LOG.warn(
                        "The {} does not cover {} of the characters of dataset '{}' (e.g. {}: '{}' decodes to '{}')",
                        tokenizerName,
                        percent(c.uncoveredFraction()),
                        c.dataset(),
                        c.worstSource(),
                        c.worstText(),
                        c.worstDecoded());
            }
        }
        return all;
    }

    /**
     * Measures without judging.
     *
     * @param tokenizer the tokenizer
     * @param examples the examples
     * @return the coverage per dataset, in order of first appearance
     */
    public static List<Coverage> measure(Tokenizer tokenizer, List<AlignedExample> examples) {
        OptionalInt unk = tokenizer.unknownTokenId();
        int step = Math.max(1, (examples.size() + SAMPLED_EXAMPLES - 1) / SAMPLED_EXAMPLES);
        Map<String, Acc> byDataset = new LinkedHashMap<>();
        for (int i = 0; i < examples.size(); i += step) {
            AlignedExample e = examples.get(i);
            String source = e.source() == null ? "" : e.source();
            int colon = source.indexOf(':');
            String dataset = colon < 0 ? (source.isEmpty() ? "(unnamed)" : source) : source.substring(0, colon);
            Acc acc = byDataset.computeIfAbsent(dataset, Acc::new);
            acc.examples++;
            List<String> texts = new ArrayList<>();
            texts.add(e.system());
            for (Message m : e.prompt()) {
                texts.add(m.content());
            }
            for (Message m : e.response()) {
                texts.add(m.content());
            }
            long chars = 0;
            long lost = 0;
            int tokens = 0;
            StringBuilder text = new StringBuilder();
            StringBuilder decodedAll = new StringBuilder();
            for (String t : texts) {
                if (t == null || t.isEmpty()) {
                    continue;
                }
                String cut = cut(t);
                int[] ids = tokenizer.encode(cut, false);
                int unknown = 0;
                int[] known = new int[ids.length];
                int k = 0;
                for (int id : ids) {
                    if (unk.isPresent() && id == unk.getAsInt()) {
                        unknown++;
                    } else {
                        known[k++] = id;
                    }
                }
                long c = nonWhitespace(cut);
                long kept = nonWhitespace(tokenizer.decode(java.util.Arrays.copyOf(known, k), false));
                chars += c;
                lost += Math.max(0, c - kept);
                tokens += ids.length;
                acc.tokens += ids.length;
                acc.unknown += unknown;
                if (text.length() < EXCERPT) {
                    text.append(text.length() == 0 ? "" : " ").append(cut);
                    decodedAll.append(decodedAll.length() == 0 ? "" : " ").append(tokenizer.decode(ids, false));
                }
            }
            acc.chars += chars;
            acc.lost += lost;
            double share = chars == 0 ? 0 : (double) lost / chars;
            if (acc.worstSource == null || share > acc.worstShare) {
                acc.worstShare = share;
                acc.worstSource = source.isEmpty() ? "row #" + i : source;
                acc.worstText = excerpt(text.toString());
                acc.worstDecoded = excerpt(decodedAll.toString());
                acc.worstTokens = tokens;
            }
        }
        return byDataset.values().stream()
                .map(a -> new Coverage(
                        a.dataset,
                        a.examples,
                        a.chars,
                        a.lost,
                        a.tokens,
                        a.unknown,
                        a.worstSource,
                        a.worstText,
                        a.worstDecoded,
                        a.worstTokens))
                .toList();
    }

    private static String unknownName(Tokenizer tokenizer) {
        OptionalInt id = tokenizer.unknownTokenId();
        return id.isEmpty()
                ? ""
                : tokenizer.idToToken(id.getAsInt()).map(t -> " '" + t + "'").orElse("");
    }

    private static String cut(String t) {
        if (t.length() <= SAMPLED_CHARS) {
            return t;
        }
        int end = SAMPLED_CHARS;
        if (Character.isHighSurrogate(t.charAt(end - 1))) {
            end--;
        }
        return t.substring(0, end);
    }

    private static long nonWhitespace(String s) {
        return s.codePoints()
                .filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c))
                .count();
    }

    private static String excerpt(String s) {
        String flat = s.replace('\n', ' ');
        return flat.length() > EXCERPT ? flat.substring(0, EXCERPT - 3) + "..." : flat;
    }

    private static String percent(double f) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * f);
    }

    private static final class Acc {
        final String dataset;
        int examples;
        long chars;
        long lost;
        long tokens;
        long unknown;
        double worstShare;
        String worstSource;
        String worstText = "";
        String worstDecoded = "";
        int worstTokens;

        Acc(String dataset) {
            this.dataset = dataset;
        }
    }
}
