package ai.llamafactory.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.llamafactory.api.config.Precision;
import org.junit.jupiter.api.Test;

/** What {@link ComputePolicy#resolve} tells the user when a half-precision request is computed otherwise. */
class PrecisionNoteTest {
    @Test
    void halfPrecisionOnTheCpuSaysItComputesInFp32() {
        assertThat(ComputePolicy.precisionNote(Device.cpu(), Precision.BF16))
                .contains("bf16: true: training on the CPU computes in fp32 (half precision is used on CUDA only)");
        assertThat(ComputePolicy.precisionNote(Device.cpu(), Precision.FP16))
                .contains("fp16: true: training on the CPU computes in fp32 (half precision is used on CUDA only)");
    }

    @Test
    void bf16OnCudaSaysItComputesInFp16() {
        assertThat(ComputePolicy.precisionNote(Device.gpu(1), Precision.BF16))
                .hasValueSatisfying(note -> assertThat(note)
                        .startsWith("bf16: true: CUDA device 1 computes in fp16 (fp32 trainable parameters"));
    }

    @Test
    void whatIsComputedAsRequestedSaysNothing() {
        assertThat(ComputePolicy.precisionNote(Device.cpu(), Precision.FP32)).isEmpty();
        assertThat(ComputePolicy.precisionNote(Device.cpu(), Precision.AUTO)).isEmpty();
        assertThat(ComputePolicy.precisionNote(Device.gpu(0), Precision.FP16)).isEmpty();
        assertThat(ComputePolicy.precisionNote(Device.gpu(0), Precision.AUTO)).isEmpty();
    }
}
