package ai.llamafactory.core.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.api.config.Precision;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where tensors live and which dtype each kind of tensor uses. Every model, loader, trainer and generator asks this
 * object; nothing else picks a device or a dtype.
 *
 * <ul>
 *   <li>CPU: everything fp32.</li>
 *   <li>CUDA with fp16: frozen weights and activations fp16, trainable parameters, optimizer state and the loss
 *       fp32 (activations are promoted to fp32 where they meet an fp32 trainable tensor).</li>
 * </ul>
 *
 * bfloat16 never reaches the engine: DJL's PyTorch JNI aborts the JVM on it. BF16 checkpoints are converted while
 * loading and a {@code bf16: true} request computes as fp16 on CUDA, fp32 on CPU.
 *
 * @param device the device all tensors of a model live on
 * @param computeType dtype of frozen weights and activations
 * @param trainableType dtype of trainable parameters, their gradients and optimizer state
 * @param lossType dtype in which log-softmax and the loss are computed
 */
public record ComputePolicy(Device device, DataType computeType, DataType trainableType, DataType lossType) {

    private static final Logger LOG = LoggerFactory.getLogger(ComputePolicy.class);
    /** Precision notes already logged: each is said once per process, however many models are loaded. */
    private static final Set<String> NOTED = ConcurrentHashMap.newKeySet();

    private static final Set<DataType> ENGINE_SAFE = EnumSet.of(
            DataType.FLOAT32,
            DataType.FLOAT64,
            DataType.FLOAT16,
            DataType.UINT8,
            DataType.INT32,
            DataType.INT8,
            DataType.INT64,
            DataType.BOOLEAN);

    /** Validates that no dtype the engine cannot represent is used. */
    public ComputePolicy {
        requireEngineSafe(computeType);
        requireEngineSafe(trainableType);
        requireEngineSafe(lossType);
    }

    /** @return the CPU policy: fp32 everywhere */
    public static ComputePolicy cpu() {
        return new ComputePolicy(Device.cpu(), DataType.FLOAT32, DataType.FLOAT32, DataType.FLOAT32);
    }

    /**
     * Resolves a device string and precision request into a policy.
     *
     * @param device {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N}, {@code gpu} or {@code gpu:N}
     * @param precision the requested precision
     * @return the policy
     * @throws InvalidConfigException if the device string is malformed or names a GPU that is not present
     */
    public static ComputePolicy resolve(String device, Precision precision) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        int gpus = DjlEngine.gpuCount();
        Device dev;
        if (d.equals("auto")) {
            dev = gpus > 0 ? Device.gpu(0) : Device.cpu();
        } else if (d.equals("cpu")) {
            dev = Device.cpu();
        } else if (d.matches("(cuda|gpu)(:\\d+)?")) {
            int idx = d.contains(":") ? Integer.parseInt(d.substring(d.indexOf(':') + 1)) : 0;
            if (idx >= gpus) {
                throw new InvalidConfigException(
                        "device: '" + device + "' requested but the engine sees " + gpus + " GPU(s)");
            }
            dev = Device.gpu(idx);
        } else {
            throw new InvalidConfigException("device: expected auto, cpu, cuda or cuda:N, got '" + device + "'");
        }
        precisionNote(dev, precision).ifPresent(note -> {
            if (NOTED.add(note)) {
                LOG.warn(note);
            }
        });
        if (dev.isGpu() && precision != Precision.FP32) {
            return new ComputePolicy(dev, DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT32);
        }
        return new ComputePolicy(dev, DataType.FLOAT32, DataType.FLOAT32, DataType.FLOAT32);
    }

    /**
     * What a half-precision request becomes on a device, when that differs from the request.
     *
     * @param device the resolved device
     * @param precision the requested precision
     * @return the note to tell the user ({@code bf16}/{@code fp16} on a CPU, {@code bf16} on CUDA), or empty
     */
    static Optional<String> precisionNote(Device device, Precision precision) {
        String key = precision == Precision.BF16 ? "bf16" : precision == Precision.FP16 ? "fp16" : null;
        if (key == null) {
            return Optional.empty();
        }
        if (!device.isGpu()) {
            return Optional.of(
                    key + ": true: training on the CPU computes in fp32 (half precision is used on " + "CUDA only)");
        }
        if (precision == Precision.BF16) {
            return Optional.of(
                    "bf16: true: CUDA device " + device.getDeviceId() + " computes in fp16 (fp32 trainable parameters, "
                            + "optimizer state and loss): DJL's PyTorch engine cannot hold bfloat16 tensors");
        }
        return Optional.empty();
    }

    /** @return true when frozen weights and trainable parameters use different dtypes */
    public boolean isMixed() {
        return computeType != trainableType;
    }

    /**
     * Throws if the dtype would abort the JVM when handed to the engine.
     *
     * @param type a dtype about to cross into DJL
     * @throws IllegalArgumentException for bfloat16 and other types the JNI cannot represent
     */
    public static void requireEngineSafe(DataType type) {
        if (!ENGINE_SAFE.contains(type)) {
            throw new IllegalArgumentException("dtype " + type + " cannot be handed to DJL's PyTorch engine "
                    + "(it aborts the JVM); convert it while loading");
        }
    }
}
