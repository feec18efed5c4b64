package ai.llamafactory.data.worker;

/** A cached tokenized dataset that cannot be read back as it was written: it is rebuilt, never trusted. */
final class CorruptCacheException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptCacheException(String message) {
        super(message);
    }

    CorruptCacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
