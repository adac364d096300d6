package io.nokv.redis.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits between Netty's RESP decoder and its aggregators and refuses a request before any of it is
 * buffered: a bulk string longer than 512 MiB (redis-server's {@code proto-max-bulk-len}; Netty's
 * decoder checks that one first, see {@link ProtocolException#of}) or an array of more than 1M elements. The refusal is a {@link ProtocolException}:
 * the connection gets one error and is closed; every other connection carries on.
 */
public final class RequestLimits extends ChannelInboundHandlerAdapter {
    public static final long MAX_BULK_BYTES = 512L << 20;
    /** Netty's RedisArrayAggregator refuses more too (io.netty.handler.codec.redis.maxArrayLength). */
    public static final long MAX_ARRAY_ELEMENTS = 1_000_000;

    private final long maxBulkBytes;
    private final long maxArrayElements;

    public RequestLimits() {
        this(MAX_BULK_BYTES, MAX_ARRAY_ELEMENTS);
    }

    public RequestLimits(long maxBulkBytes, long maxArrayElements) {
        this.maxBulkBytes = maxBulkBytes;
        this.maxArrayElements = maxArrayElements;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ArrayHeaderRedisMessage h && h.length() > maxArrayElements) {
            ReferenceCountUtil.release(msg);
            throw new ProtocolException("invalid multibulk length");
        }
        if (msg instanceof BulkStringHeaderRedisMessage h && h.bulkStringLength() > maxBulkBytes) {
            ReferenceCountUtil.release(msg);
            throw new ProtocolException("invalid bulk length");
        }
        ctx.fireChannelRead(msg);
    }
}
