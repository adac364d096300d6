package io.nokv.tso;

/** The oracle could not be reached or answered something unusable. */
public class TsoException extends RuntimeException {
    public TsoException(String message) {
        super(message);
    }

    public TsoException(String message, Throwable cause) {
        super(message, cause);
    }
}
