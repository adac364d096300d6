package io.nokv.engine;

/** Every engine failure surfaces as this unchecked exception, with a message naming the file or setting at fault. */
public class NoKVException extends RuntimeException {
    public NoKVException(String message) {
        super(message);
    }

    public NoKVException(String message, Throwable cause) {
        super(message, cause);
    }
}
