package ai.llamafactory.core.chat;

import ai.llamafactory.data.template.ToolFormat;

/**
 * Decides how much of a streamed reply may be shown while the reply could still turn out to be a tool call, per tool
 * format:
 * <ul>
 *   <li>{@code default} (ReAct {@code Action:}) and {@code qwen} ({@code <tool_call>}): a call can start anywhere, so
 *       text is held back from the first occurrence of the marker, and a trailing piece that could be the start of
 *       the marker is held until it is known not to be;</li>
 *   <li>{@code llama3} and {@code mistral}: a call is the whole reply as JSON, so a reply whose first visible
 *       character is {@code {} or {@code [} is held back entirely, any other reply streams freely;</li>
 *   <li>{@code glm4} ({@code name\n{arguments}}): any reply can be a call, so it is held back entirely;</li>
 *   <li>without tools in the request: nothing is held back.</li>
 * </ul>
 * The amount released never shrinks: text that was shown is never taken back. Immutable.
 */
final class ToolCallHoldBack {
    /** How calls of a format announce themselves. */
    private enum Rule {
        NOTHING_HELD,
        FROM_MARKER,
        LEADING_JSON,
        EVERYTHING_HELD
    }

    private static final ToolCallHoldBack NONE = new ToolCallHoldBack(Rule.NOTHING_HELD, "");

    private final Rule rule;
    private final String marker;

    private ToolCallHoldBack(Rule rule, String marker) {
        this.rule = rule;
        this.marker = marker;
    }

    /**
     * @param format the template's tool format
     * @param toolsOffered whether the request offers tools (only then are replies parsed for calls)
     * @return the policy
     */
    static ToolCallHoldBack of(ToolFormat format, boolean toolsOffered) {
        if (!toolsOffered) {
            return NONE;
        }
        return switch (format) {
            case DEFAULT -> new ToolCallHoldBack(Rule.FROM_MARKER, "Action:");
            case QWEN -> new ToolCallHoldBack(Rule.FROM_MARKER, "<tool_call>");
            case LLAMA3, MISTRAL -> new ToolCallHoldBack(Rule.LEADING_JSON, "");
            case GLM4 -> new ToolCallHoldBack(Rule.EVERYTHING_HELD, "");
        };
    }

    /** @return true when the policy never holds text back */
    boolean holdsNothing() {
        return rule == Rule.NOTHING_HELD;
    }

    /**
     * @param text the reply decoded so far
     * @return how many leading characters may be shown
     */
    int releasable(CharSequence text) {
        int n = text.length();
        switch (rule) {
            case NOTHING_HELD:
                return n;
            case EVERYTHING_HELD:
                return 0;
            case LEADING_JSON: {
                for (int i = 0; i < n; i++) {
                    char c = text.charAt(i);
                    if (!Character.isWhitespace(c)) {
                        return c == '{' || c == '[' ? 0 : n;
                    }
                }
                return 0;
            }
            case FROM_MARKER:
            default: {
                int at = indexOf(text, marker);
                if (at >= 0) {
                    return at;
                }
                for (int len = Math.min(marker.length() - 1, n); len > 0; len--) {
                    if (regionMatches(text, n - len, marker, len)) {
                        return n - len;
                    }
                }
                return n;
            }
        }
    }

    private static int indexOf(CharSequence text, String marker) {
        return text.toString().indexOf(marker);
    }

    private static boolean regionMatches(CharSequence text, int from, String marker, int len) {
        for (int i = 0; i < len; i++) {
            if (text.charAt(from + i) != marker.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
