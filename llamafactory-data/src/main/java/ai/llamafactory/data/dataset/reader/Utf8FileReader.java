package ai.llamafactory.data.dataset.reader;

import ai.llamafactory.api.exception.DatasetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one place where the text readers (json, jsonl, csv, txt) open a dataset file: a strict UTF-8 decoder that knows
 * where it is. Invalid bytes end the read with an {@link InvalidUtf8Exception} naming the file, the 1-based line and
 * the 0-based byte offset of the first bad byte, instead of the JDK's bare {@code Input length = 1}. Lines are
 * counted by {@code \n} bytes, which never occur inside a multi-byte UTF-8 sequence.
 */
final class Utf8FileReader extends Reader {
    private static final int BUFFER = 8192;

    private final InputStream in;
    private final String file;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();
    /** Absolute offset of {@code bytes.position()} in the file. */
    private long offset;
    /** 1-based line of {@code bytes.position()}. */
    private long line = 1;

    private boolean eof;
    private boolean flushed;

    private Utf8FileReader(InputStream in, String file) {
        this.in = in;
        this.file = file;
    }

    /**
     * @param file a dataset file
     * @return a reader over its text
     * @throws DatasetException when the file is missing or cannot be opened, naming it
     */
    static Reader open(Path file) {
        try {
            return new Utf8FileReader(Files.newInputStream(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetException("Dataset file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new DatasetException("Cannot open " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!chars.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(len, chars.remaining());
        chars.get(cbuf, off, n);
        return n;
    }

    /** Decodes the next characters into {@link #chars}; false at the end of the file. */
    private boolean fill() throws IOException {
        chars.clear();
        try {
            while (chars.position() == 0) {
                if (flushed) {
                    return false;
                }
                int before = bytes.position();
                CoderResult r = decoder.decode(bytes, chars, eof);
                advance(before, bytes.position());
                if (r.isError()) {
                    throw invalid(r.length());
                }
                if (r.isOverflow()) {
                    break;
                }
                if (eof) {
                    decoder.flush(chars);
                    flushed = true;
                    continue;
                }
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
            }
        } finally {
            chars.flip();
        }
        return chars.hasRemaining();
    }

    private void advance(int from, int to) {
        byte[] a = bytes.array();
        for (int i = from; i < to; i++) {
            if (a[i] == '\n') {
                line++;
            }
        }
        offset += to - from;
    }

    private InvalidUtf8Exception invalid(int length) {
        StringBuilder hex = new StringBuilder();
        int p = bytes.position();
        int shown = Math.max(1, Math.min(length, bytes.remaining()));
        for (int i = 0; i < shown; i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("0x%02X", bytes.get(p + i) & 0xFF));
        }
        return new InvalidUtf8Exception(file + ": not valid UTF-8 at line " + line + ", byte offset " + offset
                + " (" + hex
                + (eof && length >= bytes.remaining() ? ", a truncated sequence at the end of the file" : "")
                + "); dataset files must be UTF-8: re-save the file as UTF-8 (e.g. iconv -f <encoding>"
                + " -t UTF-8)");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Invalid UTF-8 in a dataset file; the message names the file, line and byte offset. */
    static final class InvalidUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidUtf8Exception(String message) {
            super(message);
        }
    }
}
