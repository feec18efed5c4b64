package ai.llamafactory.cli;

import ai.llamafactory.api.exception.InvalidConfigException;
import picocli.CommandLine;

/** The exit codes of the {@code llamafactory} command and how failures map to them. */
public final class ExitCodes {
    /** The command did what it was asked. */
    public static final int SUCCESS = 0;
    /** The command failed while running: a dataset, checkpoint or training error, a missing implementation. */
    public static final int RUNTIME_FAILURE = 1;
    /** The command line or the configuration is wrong: unknown option or key, bad value, missing file argument. */
    public static final int USAGE_ERROR = 2;

    private ExitCodes() {}

    /**
     * @param failure what a command threw
     * @return {@link #USAGE_ERROR} for configuration and command-line errors, else {@link #RUNTIME_FAILURE}
     */
    public static int of(Throwable failure) {
        if (failure instanceof InvalidConfigException || failure instanceof CommandLine.ParameterException) {
            return USAGE_ERROR;
        }
        return RUNTIME_FAILURE;
    }
}
