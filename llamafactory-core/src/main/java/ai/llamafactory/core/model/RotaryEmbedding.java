package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.config.RopeParameters;
import ai.llamafactory.core.config.RopeType;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.core.kernel.Kernels;
import java.util.List;

/**
 * Rotary position embeddings for every {@code rope_type} transformers supports for decoders: default, linear, dynamic
 * (NTK), yarn, llama3 and longrope. Inverse frequencies are computed in fp32 as transformers computes them; cos/sin
 * tables are cached on the model's device and grown on demand.
 */
public final class RotaryEmbedding implements AutoCloseable {
    private final RopeParameters rope;
    private final int rotaryDim;
    private final int maxPositionEmbeddings;
    private final NDManager manager;
    private final DataType dtype;
    private NDArray cosTable;
    private NDArray sinTable;
    private int tableLength;
    private float[] tableInvFreq;

    /**
     * Creates the embedding.
     *
     * @param rope the rope settings
     * @param headDim per-head width
     * @param maxPositionEmbeddings the model's context length
     * @param manager owner of the cached tables (the model's manager)
     * @param dtype dtype of the tables (the compute dtype)
     */
    public RotaryEmbedding(
            RopeParameters rope, int headDim, int maxPositionEmbeddings, NDManager manager, DataType dtype) {
        this.rope = rope;
        int rd = (int) (headDim * rope.partialRotaryFactor());
        this.rotaryDim = rd - (rd % 2);
        this.maxPositionEmbeddings = maxPositionEmbeddings;
        this.manager = manager;
        this.dtype = dtype;
    }

    /** @return the number of leading head dimensions that are rotated */
    public int rotaryDim() {
        return rotaryDim;
    }

    /**
     * Inverse frequencies for a forward whose largest position is {@code seqLen - 1}.
     *
     * @param seqLen one past the largest position in use
     * @return rotaryDim/2 inverse frequencies
     */
    float[] inverseFrequencies(int seqLen) {
        int half = rotaryDim / 2;
        float[] inv = new float[half];
        double base = rope.theta();
        if (rope.type() == RopeType.DYNAMIC && seqLen > originalMax()) {
            double f = rope.factor();
            base = base * Math.pow((f * seqLen / originalMax()) - (f - 1), rotaryDim / (double) (rotaryDim - 2));
        }
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / rotaryDim;
            inv[i] = (float) (1.0 / (float) Math.pow(base, exponent));
        }
        switch (rope.type()) {
            case LINEAR -> {
                for (int i = 0; i < half; i++) {
                    inv[i] = (float) (inv[i] / rope.factor());
                }
            }
            case YARN -> yarn(inv, base);
            case LLAMA3 -> llama3(inv);
            case LONGROPE -> {
                List<Double> ext = seqLen > originalMax() ? rope.longFactor() : rope.shortFactor();
                if (ext.size() != half) {
                    throw new IllegalStateException(
                            "longrope: factor list has " + ext.size() + " entries, expected " + half);
                }
                for (int i = 0; i < half; i++) {
                    float exponent = (float) (2 * i) / rotaryDim;
                    inv[i] = (float) (1.0 / (ext.get(i).floatValue() * (float) Math.pow(base, exponent)));
                }
            }
            default -> {}
        }
        return inv;
    }

    /** @return the factor cos/sin are multiplied by (yarn and longrope), else 1 */
    double attentionScaling() {
        return switch (rope.type()) {
            case YARN -> {
                if (!Double.isNaN(rope.attentionFactor())) {
                    yield rope.attentionFactor();
                }
                if (rope.mscale() != 0 && rope.mscaleAllDim() != 0) {
                    yield yarnMscale(rope.factor(), rope.mscale()) / yarnMscale(rope.factor(), rope.mscaleAllDim());
                }
                yield yarnMscale(rope.factor(), 1.0);
            }
            case LONGROPE -> {
                if (!Double.isNaN(rope.attentionFactor())) {
                    yield rope.attentionFactor();
                }
                double f = (double) maxPositionEmbeddings / originalMax();
                yield f <= 1.0 ? 1.0 : Math.sqrt(1 + Math.log(f) / Math.log(originalMax()));
            }
            default -> 1.0;
        };
    }

    private static double yarnMscale(double scale, double mscale) {
        return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
    }

    private int originalMax() {
        return rope.originalMaxPositionEmbeddings() > 0 ? rope.originalMaxPositionEmbeddings() : maxPositionEmbeddings;
    }

    private void yarn(float[] inv, double base) {
        int half = inv.length;
        double factor = rope.factor();
        int origMax = originalMax();
        double low = correctionDim(rope.betaFast(), base, origMax);
        double high = correctionDim(rope.betaSlow(), base, origMax);
        if (rope.truncate()) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, rotaryDim - 1);
        if (low == high) {
            high += 0.001;
        }
        for (int i = 0; i < half; i++) {
            float posFreq = (float) Math.pow(base, (float) (2 * i) / rotaryDim);
            float extrapolation = 1.0f / posFreq;
            float interpolation = (float) (1.0 / (factor * posFreq));
            double ramp = Math.min(1.0, Math.max(0.0, (i - low) / (high - low)));
            double extrapolationFactor = 1.0 - ramp;
            inv[i] = (float) (interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor);
        }
    }

    private double correctionDim(double numRotations, double base, int maxPos) {
        return (rotaryDim * Math.log(maxPos / (numRotations * 2 * Math.PI))) / (2 * Math.log(base));
    }

    private void llama3(float[] inv) {
        double factor = rope.factor();
        double lowFactor = rope.lowFreqFactor();
        double highFactor = rope.highFreqFactor();
        double oldContext = originalMax();
        double lowWavelen = oldContext / lowFactor;
        double highWavelen = oldContext / highFactor;
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            double scaled = wavelen > lowWavelen ? inv[i] / factor : inv[i];
            boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            if (medium) {
                double smooth = (oldContext / wavelen - lowFactor) / (highFactor - lowFactor);
                scaled = (1 - smooth) * scaled / factor + smooth * scaled;
            }
            inv[i] = (float) scaled;
        }
    }

    /**
     * Returns cos and sin for the given positions, shaped for broadcasting against [B, H, T, rotaryDim].
     *
     * @param positionIds [B, T] int64 positions, or null for {@code offset .. offset+T-1}
     * @param offset first position when positionIds is null
     * @param length T
     * @param maxPosition one past the largest position used (selects the dynamic/longrope regime)
     * @param target manager the returned views attach to (the step's manager)
     * @return {cos, sin}, each [1 or B, 1, T, rotaryDim]
     */
    public synchronized NDArray[] cosSin(
            NDArray positionIds, int offset, int length, int maxPosition, NDManager target) {
        float[] inv = inverseFrequencies(maxPosition);
        int needed = Math.max(maxPosition, offset + length);
        if (cosTable == null || needed > tableLength || !java.util.Arrays.equals(inv, tableInvFreq)) {
            buildTables(Math.max(needed, Math.min(maxPositionEmbeddings, 4096)), inv);
        }
        NDArray cos;
        NDArray sin;
        if (positionIds == null) {
            cos = cosTable.get(new NDIndex("{}:{}", offset, offset + length));
            sin = sinTable.get(new NDIndex("{}:{}", offset, offset + length));
            cos.attach(target);
            sin.attach(target);
            return new NDArray[] {
                cos.expandDims(0).expandDims(0), sin.expandDims(0).expandDims(0)
            };
        }
        NDArray flat = positionIds.reshape(-1);
        cos = cosTable.get(flat);
        sin = sinTable.get(flat);
        cos.attach(target);
        sin.attach(target);
        Shape s = positionIds.getShape();
        return new NDArray[] {
            cos.reshape(s.get(0), 1, s.get(1), rotaryDim), sin.reshape(s.get(0), 1, s.get(1), rotaryDim)
        };
    }

    private void buildTables(int length, float[] inv) {
        int half = inv.length;
        float scaling = (float) attentionScaling();
        float[] cos = new float[length * rotaryDim];
        float[] sin = new float[length * rotaryDim];
        for (int p = 0; p < length; p++) {
            for (int i = 0; i < half; i++) {
                float angle = inv[i] * (float) p;
                float c = (float) Math.cos(angle) * scaling;
                float s = (float) Math.sin(angle) * scaling;
                cos[p * rotaryDim + i] = c;
                cos[p * rotaryDim + half + i] = c;
                sin[p * rotaryDim + i] = s;
                sin[p * rotaryDim + half + i] = s;
            }
        }
        closeTables();
        NDArray c = EngineArrays.of(manager, cos, new Shape(length, rotaryDim));
        NDArray s = EngineArrays.of(manager, sin, new Shape(length, rotaryDim));
        cosTable = dtype == DataType.FLOAT32 ? c : c.toType(dtype, false);
        sinTable = dtype == DataType.FLOAT32 ? s : s.toType(dtype, false);
        if (cosTable != c) {
            c.close();
            s.close();
        }
        tableLength = length;
        tableInvFreq = inv;
    }

    /**
     * Rotates the leading {@link #rotaryDim()} dimensions of x.
     *
     * @param x [B, H, T, D]
     * @param cosSin the result of {@link #cosSin}
     * @return the rotated tensor, same shape
     */
    public NDArray apply(NDArray x, NDArray[] cosSin) {
        long d = x.getShape().get(3);
        int half = rotaryDim / 2;
        String rotate = "x1 = torch.slice(xr, -1, 0, " + half + ", 1)\n"
                + "x2 = torch.slice(xr, -1, " + half + ", None, 1)\n"
                + "rot = torch.add(torch.mul(xr, c), torch.mul(torch.cat([torch.neg(x2), x1], -1), s))\n";
        String body = rotaryDim == d
                ? "xr = x\n" + rotate + "return rot"
                : "xr = torch.slice(x, -1, 0, " + rotaryDim + ", 1)\n" + rotate
                        + "return torch.cat([rot, torch.slice(x, -1, " + rotaryDim + ", None, 1)], -1)";
        return Kernels.kernel("rope", List.of("x: Tensor", "c: Tensor", "s: Tensor"), body, x)
                .call(x, cosSin[0], cosSin[1]);
    }

    private void closeTables() {
        if (cosTable != null) {
            cosTable.close();
            sinTable.close();
        }
    }

    @Override
    public synchronized void close() {
        closeTables();
        cosTable = null;
        sinTable = null;
    }
}
