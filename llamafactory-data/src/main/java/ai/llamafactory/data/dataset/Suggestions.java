package ai.llamafactory.data.dataset;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Closest-name suggestions for messages about unknown names and keys (edit distance, case-insensitive). */
final class Suggestions {
    private Suggestions() {}

    /**
     * @param wanted the unknown name
     * @param known the valid names
     * @return the valid names, closest first (ties keep the given order)
     */
    static List<String> closestFirst(String wanted, Collection<String> known) {
        String w = wanted == null ? "" : wanted.toLowerCase(Locale.ROOT);
        return known.stream()
                .sorted(Comparator.comparingInt((String k) -> distance(w, k.toLowerCase(Locale.ROOT))))
                .toList();
    }

    /**
     * @param wanted the unknown name
     * @param known the valid names
     * @return the closest valid name when it is near enough to be a likely typo
     */
    static Optional<String> closest(String wanted, Collection<String> known) {
        List<String> sorted = closestFirst(wanted, known);
        if (sorted.isEmpty()) {
            return Optional.empty();
        }
        String w = wanted.toLowerCase(Locale.ROOT);
        for (String k : known) {
            String kl = k.toLowerCase(Locale.ROOT);
            if (w.length() >= 3 && (kl.startsWith(w) || w.startsWith(kl))) {
                return Optional.of(k);
            }
        }
        String best = sorted.get(0);
        int d = distance(w, best.toLowerCase(Locale.ROOT));
        return d <= Math.max(2, best.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /**
     * @param wanted the unknown key
     * @param known the valid keys
     * @return {@code " (did you mean 'x'?)"} or an empty string
     */
    static String didYouMean(String wanted, Collection<String> known) {
        return closest(wanted, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
