package ai.llamafactory.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.api.config.Precision;
import ai.llamafactory.api.exception.InvalidConfigException;
import org.junit.jupiter.api.Test;

/** The one device/precision policy: fp32 on CPU whatever is asked, no bfloat16 ever handed to the engine. */
class ComputePolicyTest {

    @Test
    void cpuComputesInFp32ForEveryPrecisionRequest() {
        for (Precision p : Precision.values()) {
            ComputePolicy policy = ComputePolicy.resolve("cpu", p);
            assertThat(policy.device()).isEqualTo(Device.cpu());
            assertThat(policy.computeType()).isEqualTo(DataType.FLOAT32);
            assertThat(policy.trainableType()).isEqualTo(DataType.FLOAT32);
            assertThat(policy.isMixed()).isFalse();
        }
    }

    @Test
    void autoFallsBackToCpuWithoutGpu() {
        ComputePolicy policy = ComputePolicy.resolve("auto", Precision.BF16);
        if (DjlEngine.get().getGpuCount() == 0) {
            assertThat(policy.device()).isEqualTo(Device.cpu());
        } else {
            assertThat(policy.computeType()).isEqualTo(DataType.FLOAT16);
            assertThat(policy.trainableType()).isEqualTo(DataType.FLOAT32);
        }
    }

    @Test
    void missingGpuAndMalformedDeviceAreConfigErrors() {
        assertThatThrownBy(() -> ComputePolicy.resolve("cuda:7", Precision.AUTO))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("cuda:7");
        assertThatThrownBy(() -> ComputePolicy.resolve("tpu", Precision.AUTO))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'tpu'");
    }

    @Test
    void bfloat16NeverReachesTheEngine() {
        assertThatThrownBy(() -> ComputePolicy.requireEngineSafe(DataType.BFLOAT16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(DataType.BFLOAT16.toString());
        assertThatThrownBy(() -> new ComputePolicy(Device.cpu(), DataType.BFLOAT16, DataType.FLOAT32, DataType.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offlineDefaultsAreSet() {
        DjlEngine.get();
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
    }
}
