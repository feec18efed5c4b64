package ai.llamafactory.data.metrics;

import ai.llamafactory.api.exception.DatasetException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * jieba's HMM word finder ({@code jieba.finalseg}) for runs of Chinese characters the dictionary route left as single
 * characters: each character is labelled Begin, Middle, End or Single by Viterbi, and words are read off the labels.
 *
 * <p>Start and transition log-probabilities are jieba's published constants; emission log-probabilities come from
 * {@code prob_emit.txt}. Missing entries score {@code -3.14e100} as in jieba. Ties are broken as Python's
 * {@code max} over {@code (probability, state)} tuples breaks them: the later state letter wins.
 */
final class HmmSegmenter {
    private static final double MIN_FLOAT = -3.14e100;

    /** States in jieba's iteration order "BMES". */
    private static final int B = 0;

    private static final int M = 1;
    private static final int E = 2;
    private static final int S = 3;
    private static final char[] STATE_LETTERS = {'B', 'M', 'E', 'S'};

    /** {@code prob_start.py}. */
    private static final double[] START = {-0.26268660809250016, -3.14e+100, -3.14e+100, -1.4652633398537678};

    /** {@code prob_trans.py}, indexed [from][to]; absent transitions are MIN_FLOAT. */
    private static final double[][] TRANS = new double[4][4];

    /** jieba's {@code PrevStatus}: the states that may precede each state, in jieba's order. */
    private static final int[][] PREVIOUS = {{E, S}, {M, B}, {B, M}, {S, E}};

    static {
        for (double[] row : TRANS) {
            java.util.Arrays.fill(row, MIN_FLOAT);
        }
        TRANS[B][E] = -0.510825623765990;
        TRANS[B][M] = -0.916290731874155;
        TRANS[E][B] = -0.5897149736854513;
        TRANS[E][S] = -0.8085250474669937;
        TRANS[M][E] = -0.33344856811948514;
        TRANS[M][M] = -1.2603623820268226;
        TRANS[S][B] = -0.7211965654669841;
        TRANS[S][S] = -0.6658631448798212;
    }

    private static volatile HmmSegmenter defaultModel;

    /** Emission log-probabilities per state, keyed by code point. */
    private final List<Map<Integer, Double>> emissions;

    private HmmSegmenter(List<Map<Integer, Double>> emissions) {
        this.emissions = emissions;
    }

    /**
     * The model with jieba's emission table, loaded once.
     *
     * @return the shared model
     * @throws DatasetException if {@code prob_emit.txt} cannot be read
     */
    static HmmSegmenter defaultModel() {
        HmmSegmenter model = defaultModel;
        if (model == null) {
            synchronized (HmmSegmenter.class) {
                model = defaultModel;
                if (model == null) {
                    model = load();
                    defaultModel = model;
                }
            }
        }
        return model;
    }

    private static HmmSegmenter load() {
        List<Map<Integer, Double>> emissions =
                List.of(new HashMap<>(8192), new HashMap<>(8192), new HashMap<>(8192), new HashMap<>(16384));
        try (InputStream in = JiebaTokenizer.openJiebaResource("prob_emit.txt");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Map<Integer, Double> current = null;
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isEmpty()) {
                    continue;
                }
                int state = line.length() == 1 ? "BMES".indexOf(line.charAt(0)) : -1;
                if (state >= 0) {
                    current = emissions.get(state);
                    continue;
                }
                int tab = line.indexOf('\t');
                if (current == null || tab <= 0) {
                    throw new DatasetException(
                            "malformed jieba emission table prob_emit.txt at line " + lineNumber + ": '" + line + "'");
                }
                String character = line.substring(0, tab);
                if (character.codePointCount(0, character.length()) != 1) {
                    throw new DatasetException("malformed jieba emission table prob_emit.txt at line " + lineNumber
                            + ": '" + line + "' (not one character)");
                }
                try {
                    current.put(
                            character.codePointAt(0),
                            Double.parseDouble(line.substring(tab + 1).strip()));
                } catch (NumberFormatException e) {
                    throw new DatasetException(
                            "malformed jieba emission table prob_emit.txt at line " + lineNumber + ": '" + line + "'");
                }
            }
        } catch (IOException e) {
            throw new DatasetException(
                    "cannot read jieba's emission table prob_emit.txt from the jieba-analysis jar: " + e.getMessage(),
                    e);
        }
        return new HmmSegmenter(emissions);
    }

    /**
     * jieba's {@code finalseg.__cut}: labels the characters and appends the words to {@code tokens}.
     *
     * @param sentence a run of Chinese characters
     * @param tokens where the words go
     */
    void cut(String sentence, List<String> tokens) {
        int[] chars = sentence.codePoints().toArray();
        int[] labels = viterbi(chars);
        int[] offsets = new int[chars.length + 1];
        for (int i = 0, pos = 0; i < chars.length; i++) {
            offsets[i] = pos;
            pos += Character.charCount(chars[i]);
            offsets[i + 1] = pos;
        }
        int begin = 0;
        int next = 0;
        for (int i = 0; i < chars.length; i++) {
            switch (labels[i]) {
                case B -> begin = i;
                case E -> {
                    tokens.add(sentence.substring(offsets[begin], offsets[i + 1]));
                    next = i + 1;
                }
                case S -> {
                    tokens.add(sentence.substring(offsets[i], offsets[i + 1]));
                    next = i + 1;
                }
                default -> {
                    // a Middle label extends the current word
                }
            }
        }
        if (next < chars.length) {
            tokens.add(sentence.substring(offsets[next]));
        }
    }

    /** Viterbi over the four states, with jieba's order of additions and tie-breaking. */
    private int[] viterbi(int[] obs) {
        int n = obs.length;
        double[] previous = new double[4];
        double[] current = new double[4];
        int[][] backPointer = new int[n][4];
        for (int y = 0; y < 4; y++) {
            previous[y] = START[y] + emission(y, obs[0]);
        }
        for (int t = 1; t < n; t++) {
            for (int y = 0; y < 4; y++) {
                double em = emission(y, obs[t]);
                double best = Double.NaN;
                int bestState = -1;
                for (int y0 : PREVIOUS[y]) {
                    double candidate = previous[y0] + TRANS[y0][y] + em;
                    if (bestState < 0
                            || candidate > best
                            || (candidate == best && STATE_LETTERS[y0] > STATE_LETTERS[bestState])) {
                        best = candidate;
                        bestState = y0;
                    }
                }
                current[y] = best;
                backPointer[t][y] = bestState;
            }
            double[] swap = previous;
            previous = current;
            current = swap;
        }
        int last = previous[E] > previous[S] ? E : S;
        int[] labels = new int[n];
        labels[n - 1] = last;
        for (int t = n - 1; t > 0; t--) {
            labels[t - 1] = backPointer[t][labels[t]];
        }
        return labels;
    }

    private double emission(int state, int codePoint) {
        Double p = emissions.get(state).get(codePoint);
        return p == null ? MIN_FLOAT : p;
    }
}
