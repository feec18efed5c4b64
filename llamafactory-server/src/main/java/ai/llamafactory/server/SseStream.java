package ai.llamafactory.server;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One server-sent-events response: {@code data: <json>\n\n} events, flushed one by one, ending with
 * {@code data: [DONE]\n\n}. All writes are serialised on this object, so the generation thread, the timeout timer and
 * a shutting-down server can race to end the stream without interleaving bytes. Once closed, nothing more is written.
 */
final class SseStream {
    /** What {@link #fail} did. */
    enum FailOutcome {
        /** The stream was never opened: the caller answers with a plain JSON error instead. */
        NOT_OPENED,
        /** The error event and {@code [DONE]} were written (or the client was gone). */
        WRITTEN,
        /** The stream had already ended. */
        ALREADY_CLOSED
    }

    private enum State {
        NEW,
        OPEN,
        CLOSED
    }

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final HttpServletResponse response;
    private final Runnable onClientGone;
    private State state = State.NEW;
    private ServletOutputStream out;

    /**
     * @param response the servlet response, in async mode
     * @param onClientGone run once when a write fails because the client went away
     */
    SseStream(HttpServletResponse response, Runnable onClientGone) {
        this.response = response;
        this.onClientGone = onClientGone;
    }

    /**
     * Sends the headers and the first event.
     *
     * @return false when the stream was failed before it opened or the client is gone
     */
    synchronized boolean open(String firstEvent) {
        if (state != State.NEW) {
            return false;
        }
        state = State.OPEN;
        try {
            response.setStatus(200);
            response.setContentType("text/event-stream;charset=utf-8");
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            out = response.getOutputStream();
        } catch (IOException | RuntimeException e) {
            clientGone();
            return false;
        }
        return write(firstEvent);
    }

    /** @return false when the stream is not open (ended, or the client is gone) */
    synchronized boolean send(String event) {
        return state == State.OPEN && write(event);
    }

    /** Sends the last events, then {@code [DONE]}, and closes the stream. */
    synchronized void finish(List<String> lastEvents) {
        if (state != State.OPEN) {
            return;
        }
        for (String event : lastEvents) {
            if (!write(event)) {
                return;
            }
        }
        writeDone();
    }

    /** Ends the stream with an error event and {@code [DONE]}. */
    synchronized FailOutcome fail(String errorEvent) {
        switch (state) {
            case NEW:
                state = State.CLOSED;
                return FailOutcome.NOT_OPENED;
            case OPEN:
                if (write(errorEvent)) {
                    writeDone();
                }
                return FailOutcome.WRITTEN;
            default:
                return FailOutcome.ALREADY_CLOSED;
        }
    }

    synchronized boolean isClosed() {
        return state == State.CLOSED;
    }

    private boolean write(String event) {
        try {
            out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException | RuntimeException e) {
            clientGone();
            return false;
        }
    }

    private void writeDone() {
        try {
            out.write(DONE);
            out.flush();
        } catch (IOException | RuntimeException e) {
            clientGone();
            return;
        }
        state = State.CLOSED;
    }

    private void clientGone() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            onClientGone.run();
        }
    }
}
