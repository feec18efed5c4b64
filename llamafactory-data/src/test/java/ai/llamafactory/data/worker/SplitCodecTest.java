package ai.llamafactory.data.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.data.EncodedFeedback;
import ai.llamafactory.api.data.EncodedPair;
import ai.llamafactory.api.data.EncodedPrompt;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.data.EncodedSplit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binary split format: exact round trips of every record kind, compact storage, and every damage detected. */
class SplitCodecTest {
    @TempDir
    Path tmp;

    private final Random random = new Random(7);

    private int[] ids(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(200_000);
        }
        return a;
    }

    private static int[] masked(int[] ids, int prefix) {
        int[] l = ids.clone();
        Arrays.fill(l, 0, Math.min(prefix, l.length), -100);
        return l;
    }

    private List<EncodedSplit> samples() {
        List<EncodedRecord> seq = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int[] a = ids(1 + random.nextInt(300));
            seq.add(EncodedSequence.of(a, masked(a, random.nextInt(a.length))));
        }
        int[] multiTurn = ids(40);
        int[] multiLabels = masked(multiTurn, 10);
        Arrays.fill(multiLabels, 20, 30, -100); // a second masked prompt: stored explicitly
        seq.add(EncodedSequence.of(multiTurn, multiLabels));
        int[] packed = ids(16);
        seq.add(new EncodedSequence(
                packed, masked(packed, 3), new int[] {1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 0, 0, 0, 0}, new int[] {
                    0, 1, 2, 3, 0, 1, 2, 3, 4, 0, 1, 2, 0, 0, 0, 0
                }));
        seq.add(EncodedSequence.of(new int[0], new int[0]));
        List<EncodedRecord> pairs = new ArrayList<>();
        List<EncodedRecord> feedback = new ArrayList<>();
        List<EncodedRecord> prompts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int[] c = ids(5 + random.nextInt(50));
            int[] r = ids(5 + random.nextInt(50));
            pairs.add(new EncodedPair(c, masked(c, 4), r, masked(r, 4)));
            feedback.add(new EncodedFeedback(c, masked(c, 3), r, masked(r, 3), i % 3 == 0));
            prompts.add(new EncodedPrompt(c, i % 4 == 0 ? new int[0] : r));
        }
        return List.of(
                new EncodedSplit("train", EncodedRecord.Kind.SEQUENCE, seq),
                new EncodedSplit("validation", EncodedRecord.Kind.PAIR, pairs),
                new EncodedSplit("validation_a", EncodedRecord.Kind.FEEDBACK, feedback),
                new EncodedSplit("validation_b", EncodedRecord.Kind.PROMPT, prompts),
                EncodedSplit.empty("validation_c", EncodedRecord.Kind.SEQUENCE));
    }

    @Test
    void everyKindRoundTripsExactly() throws Exception {
        for (EncodedSplit split : samples()) {
            Path file = tmp.resolve(split.name() + ".bin");
            SplitCodec.Written w = SplitCodec.write(file, split);
            assertThat(Files.size(file)).isEqualTo(w.bytes());
            EncodedSplit back = SplitCodec.read(file, split.name(), split.kind(), split.size(), w.bytes(), w.crc32c());
            assertThat(back).isEqualTo(split);
            assertThat(back.tokenCount()).isEqualTo(split.tokenCount());
            assertThat(back.labelCount()).isEqualTo(split.labelCount());
        }
    }

    @Test
    void sequencesTakeLittleMoreThanTheirIds() throws Exception {
        List<EncodedRecord> seq = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int[] a = ids(500);
            seq.add(EncodedSequence.of(a, masked(a, 100)));
        }
        EncodedSplit split = new EncodedSplit("train", EncodedRecord.Kind.SEQUENCE, seq);
        SplitCodec.Written w = SplitCodec.write(tmp.resolve("s.bin"), split);
        // 4 bytes per id + per record: length, label mode, prefix, mask flag, position flag
        assertThat(w.bytes()).isEqualTo(13 + 100 * (4 * 500 + 4 + 1 + 4 + 1 + 1));
    }

    @Test
    void everyFlippedByteIsDetected() throws Exception {
        EncodedSplit split = samples().get(0);
        Path file = tmp.resolve("train.bin");
        SplitCodec.Written w = SplitCodec.write(file, split);
        byte[] good = Files.readAllBytes(file);
        for (int trial = 0; trial < 200; trial++) {
            byte[] bad = good.clone();
            int at = trial < 13 ? trial : random.nextInt(bad.length);
            bad[at] ^= (byte) (1 + random.nextInt(255));
            Files.write(file, bad);
            assertThatThrownBy(() -> SplitCodec.read(file, "train", split.kind(), split.size(), w.bytes(), w.crc32c()))
                    .as("byte %d", at)
                    .isInstanceOf(CorruptCacheException.class);
        }
    }

    @Test
    void absurdLengthsAreRejectedBeforeAllocating() throws IOException {
        Path file = tmp.resolve("huge.bin");
        ByteBuffer b = ByteBuffer.allocate(13 + 4);
        b.putInt(SplitCodec.MAGIC)
                .putInt(SplitCodec.VERSION)
                .put((byte) EncodedRecord.Kind.PROMPT.ordinal())
                .putInt(1)
                .putInt(Integer.MAX_VALUE);
        Files.write(file, b.array());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array());
        assertThatThrownBy(() -> SplitCodec.read(file, "x", EncodedRecord.Kind.PROMPT, 1, 17, crc.getValue()))
                .isInstanceOf(CorruptCacheException.class)
                .hasMessageContaining("array length 2147483647 exceeds the 0 bytes left");
        assertThatThrownBy(() -> SplitCodec.read(file, "x", EncodedRecord.Kind.SEQUENCE, 1, 17, crc.getValue()))
                .isInstanceOf(CorruptCacheException.class)
                .hasMessageContaining("record kind");
    }
}
