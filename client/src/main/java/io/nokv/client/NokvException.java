package io.nokv.client;

/** A client operation failed: retries exhausted, a store refused the request, or the cluster is unreachable. */
public class NokvException extends RuntimeException {
    public NokvException(String message) {
        super(message);
    }

    public NokvException(String message, Throwable cause) {
        super(message, cause);
    }
}
