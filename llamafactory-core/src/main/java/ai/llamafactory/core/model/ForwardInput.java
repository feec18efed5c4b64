package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * The inputs of one decoder forward.
 *
 * @param inputIds [B, T] int64 token ids; their manager receives every activation
 * @param paddingMask [B, S] int tensor with 0 for padding and a positive segment id for tokens (S = past + T), or
 *     null when nothing is padded
 * @param positionIds [B, T] int64 positions, or null for {@code past .. past+T-1}
 * @param cache the KV cache to read and extend, or null
 */
public record ForwardInput(NDArray inputIds, NDArray paddingMask, NDArray positionIds, KvCache cache) {
    /** Checks shapes. */
    public ForwardInput {
        Objects.requireNonNull(inputIds, "inputIds");
        if (inputIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("input_ids must be [batch, seq], got " + inputIds.getShape());
        }
        if (positionIds != null && !positionIds.getShape().equals(inputIds.getShape())) {
            throw new IllegalArgumentException(
                    "position_ids " + positionIds.getShape() + " must match input_ids " + inputIds.getShape());
        }
    }

    /**
     * @param inputIds [B, T] int64
     * @param paddingMask [B, T] or null
     * @return an input without cache and with default positions
     */
    public static ForwardInput of(NDArray inputIds, NDArray paddingMask) {
        return new ForwardInput(inputIds, paddingMask, null, null);
    }
}
