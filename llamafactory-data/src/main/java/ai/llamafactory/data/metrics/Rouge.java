package ai.llamafactory.data.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L exactly as {@code rouge_chinese.Rouge().get_scores(hyp, ref)} computes them on
 * space-joined tokens, which is how LLaMA-Factory scores predictions (after {@code " ".join(jieba.cut(text))}).
 *
 * <p>The steps reproduced:
 * <ol>
 *   <li>each text is cut into sentences after {@code 。！？?}, after six dots and after two {@code …} (unless a
 *       closing quote follows), trailing whitespace removed, split on new lines; empty pieces are dropped and each
 *       remaining piece has its whitespace runs collapsed to one space;</li>
 *   <li>the words are the pieces split on single spaces, all sentences flattened into one list (an all-whitespace
 *       piece contributes one empty word, as in Python);</li>
 *   <li>ROUGE-N counts <em>distinct</em> n-grams ({@code exclusive=True}, the default): precision = shared distinct
 *       n-grams / distinct hypothesis n-grams, recall = shared / distinct reference n-grams (0 when a side has none);
 *       </li>
 *   <li>ROUGE-L (summary level, plain LCS over the flattened word lists): precision = LCS / hypothesis words,
 *       recall = LCS / reference words;</li>
 *   <li>F = {@code 2 * ((p * r) / (p + r + 1e-8))}, so identical texts score 0.999999995, which LLaMA-Factory's
 *       {@code round(f * 100, 4)} turns into 100.0.</li>
 * </ol>
 */
public final class Rouge {
    private static final Pattern SENTENCE_END = Pattern.compile("([。！？?])([^”’])");
    private static final Pattern SIX_DOTS = Pattern.compile("(\\.{6})([^”’])");
    private static final Pattern TWO_ELLIPSES = Pattern.compile("(…{2})([^”’])");
    private static final Pattern QUOTED_SENTENCE_END = Pattern.compile("([。！？?][”’])([^，。！？?])");
    private static final double EPSILON = 1e-8;

    private Rouge() {}

    /**
     * Scores already tokenised texts: the tokens are joined with single spaces, as LLaMA-Factory does before calling
     * {@code rouge_chinese}.
     *
     * @param hypothesisTokens the prediction's tokens
     * @param referenceTokens the label's tokens
     * @return the three ROUGE variants
     * @throws IllegalArgumentException if either side has no sentence left after splitting (the
     *     {@code ValueError} of {@code rouge_chinese})
     */
    public static RougeScores scoreTokens(List<String> hypothesisTokens, List<String> referenceTokens) {
        return score(String.join(" ", hypothesisTokens), String.join(" ", referenceTokens));
    }

    /**
     * {@code Rouge().get_scores(hypothesis, reference)[0]} on two texts whose words are separated by spaces.
     *
     * @param hypothesis the prediction, words separated by spaces
     * @param reference the label, words separated by spaces
     * @return the three ROUGE variants
     * @throws IllegalArgumentException if either side has no sentence left after splitting (the
     *     {@code ValueError} of {@code rouge_chinese})
     */
    public static RougeScores score(String hypothesis, String reference) {
        Objects.requireNonNull(hypothesis, "hypothesis");
        Objects.requireNonNull(reference, "reference");
        List<String> hypSentences = sentences(hypothesis);
        List<String> refSentences = sentences(reference);
        if (hypSentences.isEmpty()) {
            throw new IllegalArgumentException("ROUGE hypothesis has no sentence: '" + hypothesis + "'");
        }
        if (refSentences.isEmpty()) {
            throw new IllegalArgumentException("ROUGE reference has no sentence: '" + reference + "'");
        }
        List<String> hypWords = words(hypSentences);
        List<String> refWords = words(refSentences);
        return new RougeScores(
                rougeN(hypWords, refWords, 1), rougeN(hypWords, refWords, 2), rougeL(hypWords, refWords));
    }

    /** {@code rouge_chinese}'s {@code cut_sent} followed by the per-sentence normalisation in {@code get_scores}. */
    static List<String> sentences(String text) {
        String para = SENTENCE_END.matcher(text).replaceAll("$1\n$2");
        para = SIX_DOTS.matcher(para).replaceAll("$1\n$2");
        para = TWO_ELLIPSES.matcher(para).replaceAll("$1\n$2");
        para = QUOTED_SENTENCE_END.matcher(para).replaceAll("$1\n$2");
        para = PythonText.rstrip(para);
        List<String> out = new ArrayList<>();
        for (String piece : para.split("\n", -1)) {
            if (!piece.isEmpty()) {
                out.add(String.join(" ", PythonText.splitWhitespace(piece)));
            }
        }
        return out;
    }

    private static List<String> words(List<String> sentences) {
        List<String> words = new ArrayList<>();
        for (String sentence : sentences) {
            words.addAll(PythonText.splitOnSpace(sentence));
        }
        return words;
    }

    private static RougeScore rougeN(List<String> hypWords, List<String> refWords, int n) {
        Set<List<String>> hypNgrams = distinctNgrams(hypWords, n);
        Set<List<String>> refNgrams = distinctNgrams(refWords, n);
        int overlap = 0;
        for (List<String> ngram : hypNgrams) {
            if (refNgrams.contains(ngram)) {
                overlap++;
            }
        }
        double precision = hypNgrams.isEmpty() ? 0.0 : (double) overlap / hypNgrams.size();
        double recall = refNgrams.isEmpty() ? 0.0 : (double) overlap / refNgrams.size();
        return new RougeScore(fMeasure(precision, recall), precision, recall);
    }

    private static Set<List<String>> distinctNgrams(List<String> words, int n) {
        Set<List<String>> ngrams = new HashSet<>();
        for (int i = 0; i + n <= words.size(); i++) {
            ngrams.add(words.subList(i, i + n));
        }
        return ngrams;
    }

    private static RougeScore rougeL(List<String> hypWords, List<String> refWords) {
        int lcs = lcsLength(refWords, hypWords);
        double recall = (double) lcs / refWords.size();
        double precision = (double) lcs / hypWords.size();
        return new RougeScore(fMeasure(precision, recall), precision, recall);
    }

    private static int lcsLength(List<String> x, List<String> y) {
        int[] previous = new int[y.size() + 1];
        int[] current = new int[y.size() + 1];
        for (int i = 1; i <= x.size(); i++) {
            String xi = x.get(i - 1);
            for (int j = 1; j <= y.size(); j++) {
                current[j] = xi.equals(y.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.size()];
    }

    private static double fMeasure(double precision, double recall) {
        return 2.0 * ((precision * recall) / (precision + recall + EPSILON));
    }
}
