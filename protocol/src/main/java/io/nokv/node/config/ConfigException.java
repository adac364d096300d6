package io.nokv.node.config;

/** A configuration or key-syntax problem; the message is one line naming the offending value. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
