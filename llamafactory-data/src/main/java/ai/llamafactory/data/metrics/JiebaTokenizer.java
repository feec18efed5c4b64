package ai.llamafactory.data.metrics;

import ai.llamafactory.api.exception.DatasetException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chinese word segmentation that yields exactly the tokens of Python jieba's default {@code jieba.cut(text)}
 * (accurate mode, HMM on), the tokenisation LLaMA-Factory applies before ROUGE.
 *
 * <p>The algorithm, as jieba 0.42.1 defines it:
 * <ol>
 *   <li>the text is split into runs of <code>[&#92;u4E00-&#92;u9FD5a-zA-Z0-9+#&amp;._%-]</code> and the rest; outside those runs
 *       every character is its own token ({@code "\r\n"} stays one token), so spaces and punctuation are tokens;</li>
 *   <li>inside a run, a DAG of dictionary words starting at each position is built, and the route maximising the
 *       sum of {@code log(freq) - log(total)} (frequency 1 for single characters not in the dictionary; ties go to
 *       the longer word) is taken from the right;</li>
 *   <li>consecutive single characters on that route are buffered; a buffer of two or more characters that is not
 *       itself a dictionary word goes to the HMM: Chinese runs are labelled B/M/E/S by Viterbi with jieba's start,
 *       transition and emission log-probabilities; ASCII letter/digit runs (with an optional decimal part and
 *       {@code %}) and whatever lies between stay whole.</li>
 * </ol>
 * English text therefore comes out as words, with each space and punctuation mark a separate token:
 * {@code "Hello, world"} gives {@code ["Hello", ",", " ", "world"]}.
 *
 * <p>The word dictionary ({@code dict.txt}, 349,046 entries in jieba 0.42.1) and the emission table
 * ({@code prob_emit.txt}) are read from the {@code com.huaban:jieba-analysis} jar. That copy of the dictionary lacks
 * one line of jieba 0.42.1's ({@code 吉林 89 ns}); it is added back so the totals and routes match. Its emission
 * probabilities are printed with 12 significant digits, which changes no Viterbi decision in practice.
 *
 * <p>Instances are immutable and thread-safe. The default instance loads about 580,000 entries (some 60 MB of heap)
 * on first use.
 */
public final class JiebaTokenizer {
    private static final Pattern HAN_DEFAULT = Pattern.compile("[\\u4E00-\\u9FD5a-zA-Z0-9+#&._%\\-]+");
    private static final Pattern HMM_HAN = Pattern.compile("[\\u4E00-\\u9FD5]+");
    private static final Pattern HMM_SKIP = Pattern.compile("[a-zA-Z0-9]+(?:\\.[0-9]+)?%?");
    private static final String MISSING_WORD = "吉林";
    private static final int MISSING_WORD_FREQ = 89;

    private static volatile JiebaTokenizer defaultInstance;

    private final Map<String, Integer> frequencies;
    private final double logTotal;
    private final HmmSegmenter hmm;

    private JiebaTokenizer(Map<String, Integer> frequencies, long total, HmmSegmenter hmm) {
        this.frequencies = frequencies;
        this.logTotal = Math.log((double) total);
        this.hmm = hmm;
    }

    /**
     * The tokenizer on jieba's default dictionary, loaded once on first use.
     *
     * @return the shared instance
     * @throws DatasetException if the dictionary cannot be read from the classpath
     */
    public static JiebaTokenizer defaultTokenizer() {
        JiebaTokenizer instance = defaultInstance;
        if (instance == null) {
            synchronized (JiebaTokenizer.class) {
                instance = defaultInstance;
                if (instance == null) {
                    instance = loadDefault();
                    defaultInstance = instance;
                }
            }
        }
        return instance;
    }

    private static JiebaTokenizer loadDefault() {
        try (InputStream in = openJiebaResource("dict.txt")) {
            Map<String, Integer> frequencies = new HashMap<>(1 << 20);
            long total = readDictionary(in, "jieba-analysis!/dict.txt", frequencies);
            if (frequencies.getOrDefault(MISSING_WORD, 0) == 0) {
                frequencies.put(MISSING_WORD, MISSING_WORD_FREQ);
                total += MISSING_WORD_FREQ;
            }
            return new JiebaTokenizer(frequencies, total, HmmSegmenter.defaultModel());
        } catch (IOException e) {
            throw new DatasetException(
                    "cannot read jieba's dictionary dict.txt from the jieba-analysis jar: " + e.getMessage(), e);
        }
    }

    /**
     * A tokenizer on another dictionary in jieba's format (one {@code word frequency [tag]} entry per line, UTF-8),
     * for instance jieba's {@code dict.txt.big}. The HMM tables are jieba's defaults.
     *
     * @param dictionary the dictionary file
     * @return the tokenizer
     * @throws DatasetException if the file cannot be read or a line is malformed (the message names the line)
     */
    public static JiebaTokenizer withDictionary(Path dictionary) {
        Objects.requireNonNull(dictionary, "dictionary");
        try (InputStream in = Files.newInputStream(dictionary)) {
            Map<String, Integer> frequencies = new HashMap<>(1 << 20);
            long total = readDictionary(in, dictionary.toString(), frequencies);
            return new JiebaTokenizer(frequencies, total, HmmSegmenter.defaultModel());
        } catch (IOException e) {
            throw new DatasetException("cannot read jieba dictionary " + dictionary + ": " + e.getMessage(), e);
        }
    }

    /**
     * Python's {@code list(jieba.cut(text))}.
     *
     * @param text the text
     * @return its tokens in order; their concatenation is the text
     */
    public List<String> cut(String text) {
        Objects.requireNonNull(text, "text");
        List<String> tokens = new ArrayList<>();
        Matcher m = HAN_DEFAULT.matcher(text);
        int last = 0;
        while (m.find()) {
            cutOther(text.substring(last, m.start()), tokens);
            cutDag(m.group(), tokens);
            last = m.end();
        }
        cutOther(text.substring(last), tokens);
        return tokens;
    }

    /**
     * Whether a word is in the dictionary with a positive frequency.
     *
     * @param word the word
     * @return whether jieba knows it as a word
     */
    public boolean containsWord(String word) {
        return frequencies.getOrDefault(word, 0) > 0;
    }

    /** Outside the word runs: each character a token, {@code \r\n} kept together. */
    private static void cutOther(String block, List<String> tokens) {
        for (int i = 0; i < block.length(); ) {
            if (block.startsWith("\r\n", i)) {
                tokens.add("\r\n");
                i += 2;
                continue;
            }
            int cp = block.codePointAt(i);
            int next = i + Character.charCount(cp);
            tokens.add(block.substring(i, next));
            i = next;
        }
    }

    /** jieba's {@code __cut_DAG}: dictionary route, single characters buffered for the HMM. */
    private void cutDag(String sentence, List<String> tokens) {
        int[] offsets = codePointOffsets(sentence);
        int n = offsets.length - 1;
        int[][] dag = buildDag(sentence, offsets, n);
        int[] routeEnd = bestRoute(sentence, offsets, n, dag);
        StringBuilder buffer = new StringBuilder();
        int x = 0;
        while (x < n) {
            int y = routeEnd[x] + 1;
            String word = sentence.substring(offsets[x], offsets[y]);
            if (y - x == 1) {
                buffer.append(word);
            } else {
                flushBuffer(buffer, tokens);
                tokens.add(word);
            }
            x = y;
        }
        flushBuffer(buffer, tokens);
    }

    private void flushBuffer(StringBuilder buffer, List<String> tokens) {
        if (buffer.length() == 0) {
            return;
        }
        String buf = buffer.toString();
        buffer.setLength(0);
        if (PythonText.length(buf) == 1) {
            tokens.add(buf);
        } else if (frequencies.getOrDefault(buf, 0) == 0) {
            cutHmm(buf, tokens);
        } else {
            tokens.addAll(PythonText.characters(buf));
        }
    }

    /** jieba's {@code get_DAG}: for each start, the ends of dictionary words (or the start itself). */
    private int[][] buildDag(String sentence, int[] offsets, int n) {
        int[][] dag = new int[n][];
        int[] ends = new int[n];
        for (int k = 0; k < n; k++) {
            int count = 0;
            int i = k;
            String fragment = sentence.substring(offsets[k], offsets[k + 1]);
            while (i < n) {
                Integer freq = frequencies.get(fragment);
                if (freq == null) {
                    break;
                }
                if (freq > 0) {
                    ends[count++] = i;
                }
                i++;
                if (i < n) {
                    fragment = sentence.substring(offsets[k], offsets[i + 1]);
                }
            }
            if (count == 0) {
                dag[k] = new int[] {k};
            } else {
                int[] row = new int[count];
                System.arraycopy(ends, 0, row, 0, count);
                dag[k] = row;
            }
        }
        return dag;
    }

    /** jieba's {@code calc}: the best end for each start, evaluated from the right. */
    private int[] bestRoute(String sentence, int[] offsets, int n, int[][] dag) {
        double[] score = new double[n + 1];
        int[] routeEnd = new int[n + 1];
        for (int idx = n - 1; idx >= 0; idx--) {
            double best = Double.NEGATIVE_INFINITY;
            int bestEnd = -1;
            for (int end : dag[idx]) {
                int freq = frequencies.getOrDefault(sentence.substring(offsets[idx], offsets[end + 1]), 0);
                double candidate = Math.log(freq == 0 ? 1 : freq) - logTotal + score[end + 1];
                if (bestEnd < 0 || candidate > best || (candidate == best && end > bestEnd)) {
                    best = candidate;
                    bestEnd = end;
                }
            }
            score[idx] = best;
            routeEnd[idx] = bestEnd;
        }
        return routeEnd;
    }

    /** jieba's {@code finalseg.cut}: Viterbi on Chinese runs, letter/digit runs and the rest kept whole. */
    private void cutHmm(String buf, List<String> tokens) {
        Matcher han = HMM_HAN.matcher(buf);
        int last = 0;
        while (han.find()) {
            splitSkip(buf.substring(last, han.start()), tokens);
            hmm.cut(han.group(), tokens);
            last = han.end();
        }
        splitSkip(buf.substring(last), tokens);
    }

    private static void splitSkip(String block, List<String> tokens) {
        Matcher m = HMM_SKIP.matcher(block);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                tokens.add(block.substring(last, m.start()));
            }
            tokens.add(m.group());
            last = m.end();
        }
        if (last < block.length()) {
            tokens.add(block.substring(last));
        }
    }

    private static int[] codePointOffsets(String s) {
        int[] offsets = new int[s.codePointCount(0, s.length()) + 1];
        int k = 0;
        for (int i = 0; i < s.length(); ) {
            offsets[k++] = i;
            i += Character.charCount(s.codePointAt(i));
        }
        offsets[k] = s.length();
        return offsets;
    }

    /**
     * Reads a jieba dictionary as {@code gen_pfdict} does: every word with its frequency (a repeated word keeps its
     * last frequency, the total counts all), and every prefix of a word with frequency 0 unless present.
     */
    private static long readDictionary(InputStream in, String source, Map<String, Integer> frequencies)
            throws IOException {
        long total = 0;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            String entry = PythonText.strip(line);
            List<String> fields = PythonText.splitOnSpace(entry);
            int freq;
            try {
                if (fields.size() < 2) {
                    throw new NumberFormatException("no frequency");
                }
                freq = Integer.parseInt(fields.get(1));
            } catch (NumberFormatException e) {
                throw new DatasetException(
                        "invalid jieba dictionary entry in " + source + " at line " + lineNumber + ": '" + entry + "'");
            }
            String word = fields.get(0);
            frequencies.put(word, freq);
            total += freq;
            for (int end = 0; end < word.length(); ) {
                end += Character.charCount(word.codePointAt(end));
                if (end < word.length()) {
                    frequencies.putIfAbsent(word.substring(0, end), 0);
                }
            }
        }
        return total;
    }

    /**
     * Opens a resource of the {@code jieba-analysis} jar itself, not whatever file of that name comes first on the
     * classpath.
     */
    static InputStream openJiebaResource(String name) throws IOException {
        Class<?> anchor = com.huaban.analysis.jieba.Pair.class;
        String classFile = anchor.getName().replace('.', '/') + ".class";
        URL classUrl = anchor.getClassLoader().getResource(classFile);
        if (classUrl == null) {
            throw new IOException("cannot locate the jieba-analysis jar (" + classFile + ")");
        }
        String text = classUrl.toString();
        try {
            return new URL(text.substring(0, text.length() - classFile.length()) + name).openStream();
        } catch (MalformedURLException e) {
            throw new IOException("cannot address " + name + " beside " + text, e);
        }
    }
}
