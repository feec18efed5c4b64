package ai.llamafactory.data.worker;

import ai.llamafactory.api.data.EncodedFeedback;
import ai.llamafactory.api.data.EncodedPair;
import ai.llamafactory.api.data.EncodedPrompt;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.data.EncodedSplit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary file of one encoded split: a header (magic {@code LFTD}, format version, record kind, record count),
 * then the records as big-endian int arrays with their lengths. Labels that equal the ids after a prefix of
 * {@code -100} are stored as the prefix length only, attention masks of ones and positions 0..n-1 as a flag, so a
 * supervised split takes little more than its ids. The CRC-32C of the whole file goes to the manifest; reading checks
 * it, the header, every length against the bytes left, and that nothing follows the last record.
 */
final class SplitCodec {
    static final int MAGIC = 0x4C465444; // "LFTD"
    static final int VERSION = 1;
    private static final int BUFFER = 1 << 20;
    private static final byte EXPLICIT = 0;
    private static final byte IMPLICIT = 1;

    private SplitCodec() {}

    /** Size and checksum of a written file. */
    record Written(long bytes, long crc32c) {}

    static Written write(Path file, EncodedSplit split) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Out out = new Out(ch);
            out.putInt(MAGIC);
            out.putInt(VERSION);
            out.putByte((byte) split.kind().ordinal());
            out.putInt(split.size());
            for (EncodedRecord r : split.records()) {
                switch (r.kind()) {
                    case SEQUENCE -> {
                        EncodedSequence s = (EncodedSequence) r;
                        out.putArray(s.inputIds());
                        putLabels(out, s.labels(), s.inputIds());
                        boolean ones = allEqual(s.attentionMask(), 1);
                        out.putByte(ones ? IMPLICIT : EXPLICIT);
                        if (!ones) {
                            out.putInts(s.attentionMask());
                        }
                        boolean range = isRange(s.positionIds());
                        out.putByte(range ? IMPLICIT : EXPLICIT);
                        if (!range) {
                            out.putInts(s.positionIds());
                        }
                    }
                    case PAIR -> {
                        EncodedPair p = (EncodedPair) r;
                        out.putArray(p.chosenInputIds());
                        putLabels(out, p.chosenLabels(), p.chosenInputIds());
                        out.putArray(p.rejectedInputIds());
                        putLabels(out, p.rejectedLabels(), p.rejectedInputIds());
                    }
                    case FEEDBACK -> {
                        EncodedFeedback f = (EncodedFeedback) r;
                        out.putByte(f.desirable() ? (byte) 1 : (byte) 0);
                        out.putArray(f.inputIds());
                        putLabels(out, f.labels(), f.inputIds());
                        out.putArray(f.klInputIds());
                        putLabels(out, f.klLabels(), f.klInputIds());
                    }
                    case PROMPT -> {
                        EncodedPrompt p = (EncodedPrompt) r;
                        out.putArray(p.inputIds());
                        out.putArray(p.referenceIds());
                    }
                    default -> throw new IllegalStateException("unknown record kind " + r.kind());
                }
            }
            out.flush();
            ch.force(true);
            return new Written(out.written, out.crc.getValue());
        }
    }

    static EncodedSplit read(
            Path file,
            String name,
            EncodedRecord.Kind expectedKind,
            int expectedCount,
            long expectedBytes,
            long expectedCrc)
            throws CorruptCacheException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != expectedBytes) {
                throw new CorruptCacheException(file + " has " + size + " bytes, the manifest says " + expectedBytes);
            }
            In in = new In(ch, size);
            if (in.getInt() != MAGIC) {
                throw new CorruptCacheException(file + " is not a tokenized split (bad magic number)");
            }
            int version = in.getInt();
            if (version != VERSION) {
                throw new CorruptCacheException(file + " has format version " + version + ", expected " + VERSION);
            }
            int kindOrdinal = in.getByte();
            if (kindOrdinal != expectedKind.ordinal()) {
                throw new CorruptCacheException(
                        file + " holds record kind #" + kindOrdinal + ", the manifest says " + expectedKind.key());
            }
            int count = in.getInt();
            if (count != expectedCount) {
                throw new CorruptCacheException(
                        file + " holds " + count + " records, the manifest says " + expectedCount);
            }
            List<EncodedRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                records.add(
                        switch (expectedKind) {
                            case SEQUENCE -> {
                                int[] ids = in.getArray();
                                int[] labels = getLabels(in, ids);
                                int[] mask = in.getByte() == IMPLICIT ? filled(ids.length, 1) : in.getInts(ids.length);
                                int[] positions = in.getByte() == IMPLICIT ? range(ids.length) : in.getInts(ids.length);
                                yield new EncodedSequence(ids, labels, mask, positions);
                            }
                            case PAIR -> {
                                int[] chosen = in.getArray();
                                int[] chosenLabels = getLabels(in, chosen);
                                int[] rejected = in.getArray();
                                yield new EncodedPair(chosen, chosenLabels, rejected, getLabels(in, rejected));
                            }
                            case FEEDBACK -> {
                                boolean desirable = in.getByte() != 0;
                                int[] ids = in.getArray();
                                int[] labels = getLabels(in, ids);
                                int[] kl = in.getArray();
                                yield new EncodedFeedback(ids, labels, kl, getLabels(in, kl), desirable);
                            }
                            case PROMPT -> new EncodedPrompt(in.getArray(), in.getArray());
                        });
            }
            if (in.remaining() != 0) {
                throw new CorruptCacheException(file + ": " + in.remaining() + " bytes follow the last record");
            }
            if (in.crc.getValue() != expectedCrc) {
                throw new CorruptCacheException(file + ": checksum " + Long.toHexString(in.crc.getValue())
                        + " differs from the manifest's " + Long.toHexString(expectedCrc));
            }
            return new EncodedSplit(name, expectedKind, records);
        } catch (IOException | RuntimeException e) {
            throw new CorruptCacheException("cannot read " + file + ": " + e, e);
        }
    }

    private static void putLabels(Out out, int[] labels, int[] ids) throws IOException {
        int prefix = 0;
        while (prefix < labels.length && labels[prefix] == EncodedRecord.IGNORE_INDEX) {
            prefix++;
        }
        boolean rest = true;
        for (int i = prefix; i < labels.length && rest; i++) {
            rest = labels[i] == ids[i];
        }
        if (rest) {
            out.putByte(IMPLICIT);
            out.putInt(prefix);
        } else {
            out.putByte(EXPLICIT);
            out.putInts(labels);
        }
    }

    private static int[] getLabels(In in, int[] ids) throws IOException, CorruptCacheException {
        byte mode = in.getByte();
        if (mode == EXPLICIT) {
            return in.getInts(ids.length);
        }
        if (mode != IMPLICIT) {
            throw new CorruptCacheException("unknown label mode " + mode);
        }
        int prefix = in.getInt();
        if (prefix < 0 || prefix > ids.length) {
            throw new CorruptCacheException("label prefix " + prefix + " outside 0.." + ids.length);
        }
        int[] labels = ids.clone();
        java.util.Arrays.fill(labels, 0, prefix, EncodedRecord.IGNORE_INDEX);
        return labels;
    }

    private static boolean allEqual(int[] a, int v) {
        for (int x : a) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRange(int[] a) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != i) {
                return false;
            }
        }
        return true;
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Buffered writer of ints and bytes that checksums what it writes. */
    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        private final CRC32C crc = new CRC32C();
        private long written;

        Out(FileChannel ch) {
            this.ch = ch;
        }

        void putByte(byte b) throws IOException {
            room(1);
            buf.put(b);
        }

        void putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void putArray(int[] a) throws IOException {
            putInt(a.length);
            putInts(a);
        }

        void putInts(int[] a) throws IOException {
            int from = 0;
            while (from < a.length) {
                room(4);
                int n = Math.min(a.length - from, buf.remaining() / 4);
                buf.asIntBuffer().put(a, from, n);
                buf.position(buf.position() + 4 * n);
                from += n;
            }
        }

        private void room(int bytes) throws IOException {
            if (buf.remaining() < bytes) {
                flush();
            }
        }

        void flush() throws IOException {
            buf.flip();
            crc.update(buf.duplicate());
            written += buf.remaining();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }

    /** Buffered reader of ints and bytes that checksums what it reads and checks lengths against the file size. */
    private static final class In {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        private final CRC32C crc = new CRC32C();
        private long unread;

        In(FileChannel ch, long size) {
            this.ch = ch;
            this.unread = size;
            buf.limit(0);
        }

        long remaining() {
            return unread + buf.remaining();
        }

        private void need(int bytes) throws IOException, CorruptCacheException {
            if (buf.remaining() >= bytes) {
                return;
            }
            if (remaining() < bytes) {
                throw new CorruptCacheException("the file ends early");
            }
            buf.compact();
            while (buf.position() < bytes) {
                int start = buf.position();
                int n = ch.read(buf);
                if (n < 0) {
                    throw new CorruptCacheException("the file ends early");
                }
                ByteBuffer fresh = buf.duplicate();
                fresh.position(start).limit(start + n);
                crc.update(fresh);
                unread -= n;
            }
            buf.flip();
        }

        byte getByte() throws IOException, CorruptCacheException {
            need(1);
            return buf.get();
        }

        int getInt() throws IOException, CorruptCacheException {
            need(4);
            return buf.getInt();
        }

        int[] getArray() throws IOException, CorruptCacheException {
            return getInts(getInt());
        }

        int[] getInts(int n) throws IOException, CorruptCacheException {
            if (n < 0 || 4L * n > remaining()) {
                throw new CorruptCacheException("array length " + n + " exceeds the " + remaining() + " bytes left");
            }
            int[] a = new int[n];
            int from = 0;
            while (from < n) {
                need(4);
                int k = Math.min(n - from, buf.remaining() / 4);
                buf.asIntBuffer().get(a, from, k);
                buf.position(buf.position() + 4 * k);
                from += k;
            }
            return a;
        }
    }
}
