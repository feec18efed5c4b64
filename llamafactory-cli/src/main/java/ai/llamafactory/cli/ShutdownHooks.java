package ai.llamafactory.cli;

/**
 * Runs actions when the process is asked to stop (Ctrl-C, SIGTERM). The default registers JVM shutdown hooks and
 * signal handlers; tests pass an implementation they trigger themselves, so a command that blocks until Ctrl-C can be
 * stopped in-process.
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
     * Registers an action that runs while the process shuts down.
     *
     * @param name a thread name for the action, e.g. {@code llamafactory-api-shutdown}
     * @param action what to do before the process exits; it may block while the work finishes
     * @return the registration, to close when the action is no longer needed
     */
    Registration register(String name, Runnable action);

    /**
     * Registers an action for Ctrl-C (SIGINT) and SIGTERM that runs <em>instead of</em> shutting the process down, so
     * the command can finish its work normally (write files, load fonts, start threads: everything a JVM that is
     * shutting down refuses) and exit with its own code. A second signal while the action runs ends the process at
     * once. The default runs the action as {@link #register} does.
     *
     * @param name a thread name for the action, e.g. {@code llamafactory-train-interrupt}
     * @param action what to do on the first signal, e.g. ask a training run to stop at the next step
     * @return the registration, to close when the action is no longer needed
     */
    default Registration onInterrupt(String name, Runnable action) {
        return register(name, action);
    }

    /** @return hooks on {@link Runtime#addShutdownHook(Thread)} and on the JVM's SIGINT/SIGTERM handlers */
    static ShutdownHooks jvm() {
        return JvmShutdownHooks.INSTANCE;
    }
}
