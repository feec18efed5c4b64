package ai.llamafactory.api.internal;

import java.util.Collection;
import java.util.Optional;

/**
 * Levenshtein distance, used to suggest the closest known key or value for a misspelt one. (A 20-line routine; not
 * worth a dependency such as commons-text in the API module.) Also ranks the template names suggested for an unknown
 * template.
 */
public final class EditDistance {
    private EditDistance() {}

    /** @return the number of single-character insertions, deletions and substitutions turning a into b */
    public static int between(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * Finds the candidate closest to a misspelt word, if it is close enough to be a plausible typo: at most a third
     * of the word's length (and at least 2) edits away. Ties go to the candidate listed first.
     */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        int limit = Math.max(2, lower.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = between(lower, candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? Optional.ofNullable(best) : Optional.empty();
    }
}
