package ai.llamafactory.core.generate;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns a growing sequence of generated token ids into text pieces that are safe to show: never a broken character
 * and never the beginning of a stop string that may still complete.
 *
 * <p>Each new token is decoded in a small window together with the tokens before it (the window starts at the last
 * token whose text was released), and only the text beyond that context is new: tokenizers that drop a leading space
 * from the first token of a decode, or that need several tokens for one character, stay correct, and each step costs
 * two decodes of a few tokens instead of one of the whole output. Text whose end is a U+FFFD replacement character
 * or a dangling high surrogate is held back until the character completes; after {@value #MAX_HELD_TOKENS} held
 * tokens the replacement character is taken as real (a model can produce invalid byte sequences).
 *
 * <p>Stop strings: the text is cut before the earliest occurrence of any of them and the stream ends; a suffix of the
 * text that is a prefix of a stop string is held back until it either completes or cannot.
 *
 * <p>Not thread-safe: one instance per generated sequence.
 */
public final class IncrementalDetokenizer {
    /** The most tokens that can make up one UTF-8 character under byte-level BPE (4 bytes, one per token). */
    static final int MAX_HELD_TOKENS = 4;

    private final Detokenizer detokenizer;
    private final List<String> stopStrings;
    private final int longestStop;
    private int[] ids = new int[16];
    private int size;
    private int prefixOffset;
    private int readOffset;
    private final StringBuilder decoded = new StringBuilder();
    private int released;
    private String matchedStop;
    private boolean finished;

    /**
     * @param detokenizer the tokenizer's decode
     * @param stopStrings texts that end the stream (may be empty)
     */
    public IncrementalDetokenizer(Detokenizer detokenizer, List<String> stopStrings) {
        this.detokenizer = Objects.requireNonNull(detokenizer, "detokenizer");
        this.stopStrings = List.copyOf(stopStrings);
        this.longestStop =
                this.stopStrings.stream().mapToInt(String::length).max().orElse(0);
    }

    /**
     * Adds a generated token.
     *
     * @param id the token id
     * @return the text that became safe to show (possibly empty)
     * @throws IllegalStateException after a stop string matched or after {@link #finish()}
     */
    public String push(int id) {
        if (finished || matchedStop != null) {
            throw new IllegalStateException("the text stream has ended; no more tokens can be added");
        }
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String context = decode(prefixOffset, readOffset);
        String window = decode(prefixOffset, size);
        if (window.length() > context.length() && (!endsIncomplete(window) || size - readOffset >= MAX_HELD_TOKENS)) {
            decoded.append(window, context.length(), window.length());
            prefixOffset = readOffset;
            readOffset = size;
        }
        return release(false);
    }

    /**
     * Ends the stream: releases everything still held back (an incomplete character included), cut before a stop
     * string if one completes.
     *
     * @return the remaining text (possibly empty)
     */
    public String finish() {
        if (finished) {
            return "";
        }
        finished = true;
        if (matchedStop != null) {
            return "";
        }
        if (readOffset < size) {
            String context = decode(prefixOffset, readOffset);
            String window = decode(prefixOffset, size);
            if (window.length() > context.length()) {
                decoded.append(window, context.length(), window.length());
            }
            prefixOffset = readOffset;
            readOffset = size;
        }
        return release(true);
    }

    /** @return the stop string that ended the stream, or null */
    public String matchedStop() {
        return matchedStop;
    }

    /** @return the text released so far (the final text once the stream has ended) */
    public String text() {
        return decoded.substring(0, released);
    }

    private String release(boolean flush) {
        int end = decoded.length();
        if (!stopStrings.isEmpty()) {
            int stopAt = -1;
            String which = null;
            // A stop string cannot start before the released text: its beginning would have been held back.
            for (String stop : stopStrings) {
                int at = decoded.indexOf(stop, released);
                if (at >= 0 && (stopAt < 0 || at < stopAt)) {
                    stopAt = at;
                    which = stop;
                }
            }
            if (stopAt >= 0) {
                matchedStop = which;
                String out = decoded.substring(released, stopAt);
                decoded.setLength(stopAt);
                released = stopAt;
                return out;
            }
            if (!flush) {
                end -= heldForStop(end);
            }
        }
        if (end <= released) {
            return "";
        }
        String out = decoded.substring(released, end);
        released = end;
        return out;
    }

    /** Length of the longest suffix of the unreleased text that is a proper prefix of a stop string. */
    private int heldForStop(int end) {
        int maxLen = Math.min(longestStop - 1, end - released);
        for (int len = maxLen; len > 0; len--) {
            for (String stop : stopStrings) {
                if (stop.length() > len && regionEquals(end - len, stop, len)) {
                    return len;
                }
            }
        }
        return 0;
    }

    private boolean regionEquals(int from, String stop, int len) {
        for (int i = 0; i < len; i++) {
            if (decoded.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String decode(int from, int to) {
        if (from == to) {
            return "";
        }
        String s = detokenizer.decode(Arrays.copyOfRange(ids, from, to));
        return s == null ? "" : s;
    }

    private static boolean endsIncomplete(String s) {
        if (s.isEmpty()) {
            return false;
        }
        char last = s.charAt(s.length() - 1);
        return last == '\uFFFD' || Character.isHighSurrogate(last);
    }
}
