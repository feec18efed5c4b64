package ai.llamafactory.cli;

/**
 * Runs actions when the process is asked to stop (Ctrl-C, SIGTERM). The default registers JVM shutdown hooks; tests
 * pass an implementation they trigger themselves, so a command that blocks until Ctrl-C can be stopped in-process.
 */
@FunctionalInterface
public interface ShutdownHooks {
    /** A registered action; closing it unregisters the action if it has not started. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        /** Unregisters the action; does nothing once the process is stopping. */
        @Override
        void close();
    }

    /**
     * @param name a thread name for the action, e.g. {@code llamafactory-api-shutdown}
     * @param action what to do before the process exits; it may block while the work finishes
     * @return the registration, to close when the action is no longer needed
     */
    Registration register(String name, Runnable action);

    /** @return hooks on {@link Runtime#addShutdownHook(Thread)} */
    static ShutdownHooks jvm() {
        return (name, action) -> {
            Thread thread = new Thread(action, name);
            Runtime.getRuntime().addShutdownHook(thread);
            return () -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(thread);
                } catch (IllegalStateException stopping) {
                    // The JVM is already shutting down: the hook runs (or ran); nothing to undo.
                }
            };
        };
    }
}
