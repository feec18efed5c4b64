package ai.llamafactory.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.core.engine.DjlEngine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void everyFp16ValueSurvivesWideningAndNarrowing() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = HalfFloats.fp16ToFloat(h);
            boolean nan = (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0;
            if (nan) {
                assertThat(f).isNaN();
                assertThat(HalfFloats.floatToFp16(f) & 0x7fff).isEqualTo(0x7e00);
            } else {
                assertThat(HalfFloats.floatToFp16(f)).as("fp16 bits %04x", bits).isEqualTo(h);
            }
        }
    }

    @Test
    void fp16KnownValuesAndRounding() {
        assertThat(HalfFloats.floatToFp16(1.0f)).isEqualTo((short) 0x3c00);
        assertThat(HalfFloats.floatToFp16(-2.0f)).isEqualTo((short) 0xc000);
        assertThat(HalfFloats.floatToFp16(65504f)).isEqualTo((short) 0x7bff);
        assertThat(HalfFloats.floatToFp16(65519.99f)).isEqualTo((short) 0x7bff);
        assertThat(HalfFloats.floatToFp16(65520f)).isEqualTo((short) 0x7c00);
        assertThat(HalfFloats.floatToFp16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xfc00);
        assertThat(HalfFloats.floatToFp16(0x1p-24f)).isEqualTo((short) 0x0001);
        assertThat(HalfFloats.floatToFp16(0x1p-25f)).isEqualTo((short) 0x0000); // tie to even (0)
        assertThat(HalfFloats.floatToFp16(0x1.8p-24f)).isEqualTo((short) 0x0002); // 1.5 units -> 2
        assertThat(HalfFloats.floatToFp16(0x1.ffcp-15f)).isEqualTo((short) 0x0400); // 1023.5 units: even
        assertThat(HalfFloats.floatToFp16(1f + 0x1p-11f)).isEqualTo((short) 0x3c00); // tie, even stays
        assertThat(HalfFloats.floatToFp16(1f + 0x1.8p-10f)).isEqualTo((short) 0x3c02); // tie, odd rounds up
        assertThat(HalfFloats.floatToFp16(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(HalfFloats.fp16ToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(HalfFloats.fp16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    }

    @Test
    void bf16KnownValuesAndRounding() {
        assertThat(HalfFloats.floatToBf16(1.0f)).isEqualTo((short) 0x3f80);
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80);
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82);
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808001))).isEqualTo((short) 0x3f81);
        assertThat(HalfFloats.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80);
        assertThat(HalfFloats.floatToBf16(Float.NaN)).isEqualTo((short) 0x7fc0);
        assertThat(HalfFloats.bf16ToFloat((short) 0xc0a0)).isEqualTo(-5.0f);
        assertThat(HalfFloats.roundToBf16(3.14159265f)).isEqualTo(3.140625f);
    }

    @Test
    void fp16NarrowingMatchesTorch() {
        Random random = new Random(7);
        float[] values = new float[20000];
        for (int i = 0; i < values.length; i++) {
            int kind = i % 4;
            values[i] = switch (kind) {
                case 0 -> (float) random.nextGaussian();
                case 1 -> Float.intBitsToFloat(random.nextInt()); // every exponent, incl. inf/NaN/subnormal
                case 2 -> (float) (random.nextGaussian() * 1e-5); // fp16 subnormal range
                default -> (float) (random.nextGaussian() * 40000); // around the fp16 overflow
            };
        }
        DjlEngine.get();
        try (NDManager manager = NDManager.newBaseManager();
                NDArray fp32 = manager.create(values);
                NDArray fp16 = fp32.toType(DataType.FLOAT16, false)) {
            ByteBuffer torch = fp16.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                short expected = torch.getShort();
                short ours = HalfFloats.floatToFp16(values[i]);
                if (Float.isNaN(values[i])) {
                    assertThat(HalfFloats.fp16ToFloat(expected)).isNaN();
                    assertThat(HalfFloats.fp16ToFloat(ours)).isNaN();
                } else {
                    assertThat(ours)
                            .as("fp16 of %s (bits %08x)", values[i], Float.floatToRawIntBits(values[i]))
                            .isEqualTo(expected);
                }
            }
        }
    }
}
