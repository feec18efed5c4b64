package ai.llamafactory.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@link ShutdownHooks} of the real process: {@link #register} adds a JVM shutdown hook; {@link #onInterrupt}
 * replaces the JVM's SIGINT and SIGTERM handlers (which start the shutdown) with one that runs the registered
 * actions while the JVM keeps running, and restores them when the last registration closes. A second signal exits
 * with 130 (128 + SIGINT), as a shell reports an interrupted command.
 *
 * <p>Where a signal cannot be handled (SIGINT is ignored in a background job started without job control; Windows
 * has no SIGTERM) that signal keeps the JVM's behaviour and the action is also registered as a shutdown hook.
 */
final class JvmShutdownHooks implements ShutdownHooks {
    /** The one instance: signal handlers are process-wide. */
    static final JvmShutdownHooks INSTANCE = new JvmShutdownHooks();

    /** Exit status after a second Ctrl-C: 128 + SIGINT. */
    static final int INTERRUPTED_EXIT = 130;

    private static final String[] SIGNALS = {"INT", "TERM"};

    private final Map<Runnable, String> interruptActions = new LinkedHashMap<>();
    private final Map<String, SignalHandler> previous = new LinkedHashMap<>();
    private boolean interrupted;

    private JvmShutdownHooks() {}

    @Override
    public Registration register(String name, Runnable action) {
        Thread thread = new Thread(action, name);
        Runtime.getRuntime().addShutdownHook(thread);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(thread);
            } catch (IllegalStateException stopping) {
                // The JVM is already shutting down: the hook runs (or ran); nothing to undo.
            }
        };
    }

    @Override
    public synchronized Registration onInterrupt(String name, Runnable action) {
        if (interruptActions.isEmpty()) {
            install();
        }
        interruptActions.put(action, name);
        Registration fallback = previous.size() < SIGNALS.length ? register(name, action) : () -> {};
        return () -> {
            fallback.close();
            synchronized (this) {
                if (interruptActions.remove(action) != null && interruptActions.isEmpty()) {
                    restore();
                }
            }
        };
    }

    private void install() {
        interrupted = false;
        for (String name : SIGNALS) {
            try {
                previous.put(name, Signal.handle(new Signal(name), this::onSignal));
            } catch (IllegalArgumentException unavailable) {
                // ignored by the parent or unknown on this OS: the JVM's own behaviour (and the shutdown hook) stays
            }
        }
    }

    private void restore() {
        previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
        previous.clear();
    }

    /** Runs on the JVM's signal thread. */
    private void onSignal(Signal signal) {
        List<Map.Entry<Runnable, String>> actions;
        synchronized (this) {
            if (interrupted) {
                Runtime.getRuntime().exit(INTERRUPTED_EXIT);
                return;
            }
            interrupted = true;
            actions = new ArrayList<>(interruptActions.entrySet());
        }
        for (Map.Entry<Runnable, String> a : actions) {
            Thread t = new Thread(a.getKey(), a.getValue());
            t.setDaemon(true);
            t.start();
        }
    }
}
