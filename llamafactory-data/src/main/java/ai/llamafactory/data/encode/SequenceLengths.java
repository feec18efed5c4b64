package ai.llamafactory.data.encode;

/** LLaMA-Factory's truncation rule for a (source, target) pair ({@code infer_seqlen}). */
public final class SequenceLengths {
    private SequenceLengths() {}

    /**
     * Lengths after truncating a pair to {@code cutoffLen} tokens: when the target is short (twice it fits), only the
     * source is cut; when the source is short, only the target is cut; otherwise both are cut in proportion to their
     * lengths.
     *
     * @param sourceLen the prompt length
     * @param targetLen the response length
     * @param cutoffLen the tokens available
     * @return {@code {newSourceLen, newTargetLen}}
     */
    public static int[] inferSeqLen(int sourceLen, int targetLen, int cutoffLen) {
        int maxTargetLen;
        if (targetLen * 2L < cutoffLen) {
            maxTargetLen = cutoffLen;
        } else if (sourceLen * 2L < cutoffLen) {
            maxTargetLen = cutoffLen - sourceLen;
        } else {
            maxTargetLen = (int) (cutoffLen * ((double) targetLen / (sourceLen + targetLen)));
        }
        int newTargetLen = Math.min(maxTargetLen, targetLen);
        int maxSourceLen = Math.max(cutoffLen - newTargetLen, 0);
        int newSourceLen = Math.min(maxSourceLen, sourceLen);
        return new int[] {newSourceLen, newTargetLen};
    }
}
