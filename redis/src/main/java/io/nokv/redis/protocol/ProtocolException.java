package io.nokv.redis.protocol;

import io.netty.handler.codec.redis.RedisCodecException;

/**
 * The client broke the protocol (bad framing, a request over the limits): it gets
 * {@code -ERR Protocol error: <reason>} and its connection is closed, as redis-server does.
 */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String reason) {
        super(reason);
    }

    /**
     * A framing error found by Netty's decoder, in redis-server's words where Netty's differ: its
     * bulk-length check ("length: N (expected: <= 536870912)") is redis's "invalid bulk length".
     */
    public static ProtocolException of(RedisCodecException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return new ProtocolException(m.startsWith("length: ") ? "invalid bulk length" : m);
    }
}
