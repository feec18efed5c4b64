package ai.llamafactory.data.encode;

/**
 * An example that was not encoded, and why.
 *
 * @param index its position in the input list
 * @param source where it came from ({@code AlignedExample.source()})
 * @param reason why it was dropped
 */
public record DroppedExample(int index, String source, String reason) {}
