package ai.llamafactory.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;

/** A token embedding table [vocab, hidden]; looks rows up by id. */
public class Embedding extends Module implements WeightedModule {
    private final Param weight;

    /**
     * Creates the table.
     *
     * @param weight [vocab, hidden]
     */
    public Embedding(NDArray weight) {
        this.weight = addParam(new Param("weight", weight));
    }

    /** @return the table parameter */
    public Param weight() {
        return weight;
    }

    /**
     * @param scope unused: the table is the parameter itself
     * @return the table array
     */
    @Override
    public NDArray effectiveWeight(NDManager scope) {
        return weight.array();
    }

    /** @return the table parameter */
    @Override
    public Param baseWeight() {
        return weight;
    }

    /**
     * Looks up token ids.
     *
     * @param ids int64 ids of any shape
     * @return embeddings [..., hidden], attached to the ids' manager
     */
    @Override
    public NDArray forward(NDArray ids) {
        return ai.djl.nn.core.Embedding.embedding(ids, weight.array(), SparseFormat.DENSE)
                .singletonOrThrow();
    }
}
