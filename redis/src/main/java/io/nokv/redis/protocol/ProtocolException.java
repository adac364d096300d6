package io.nokv.redis.protocol;

/**
 * The client broke the protocol (bad framing, a request over the limits): it gets
 * {@code -ERR Protocol error: <reason>} and its connection is closed, as redis-server does.
 */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String reason) {
        super(reason);
    }
}
