package io.nokv.redis.keyspace;

/**
 * The store could not answer: the client gets {@code -TRYAGAIN <reason>} when retrying the command
 * may succeed (a conflict that kept recurring, an unreachable cluster) or {@code -ERR <reason>}
 * when it must not be retried blindly (a commit whose outcome is unknown).
 */
public final class StoreUnavailableException extends RuntimeException {
    private final boolean retryable;

    public StoreUnavailableException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
