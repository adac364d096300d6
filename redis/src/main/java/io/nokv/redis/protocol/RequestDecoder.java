package io.nokv.redis.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what Netty's aggregators produce into a {@link Request}: an array of bulk strings (the
 * RESP form every client library sends) or an inline command line (what {@code telnet} sends).
 * Anything else at the top level is a protocol error, as in redis-server.
 */
public final class RequestDecoder extends MessageToMessageDecoder<RedisMessage> {
    @Override
    protected void decode(ChannelHandlerContext ctx, RedisMessage msg, List<Object> out) {
        if (msg instanceof ArrayRedisMessage array) {
            if (array.isNull() || array.children().isEmpty()) {
                return; // redis-server ignores "*0" and "*-1"
            }
            List<byte[]> args = new ArrayList<>(array.children().size());
            for (RedisMessage child : array.children()) {
                if (!(child instanceof FullBulkStringRedisMessage bulk) || bulk.isNull()) {
                    throw new ProtocolException("expected '$', got '" + typeChar(child) + "'");
                }
                ByteBuf content = bulk.content();
                args.add(ByteBufUtil.getBytes(content, content.readerIndex(), content.readableBytes(), false));
            }
            out.add(new Request(args));
        } else if (msg instanceof InlineCommandRedisMessage inline) {
            List<byte[]> args = InlineCommand.split(inline.content());
            if (!args.isEmpty()) {
                out.add(new Request(args));
            }
        } else {
            throw new ProtocolException("expected '*', got '" + typeChar(msg) + "'");
        }
    }

    /** The RESP type byte of a message, for redis-server's "expected '$', got 'x'". */
    private static char typeChar(RedisMessage m) {
        if (m instanceof SimpleStringRedisMessage) {
            return '+';
        }
        if (m instanceof ErrorRedisMessage) {
            return '-';
        }
        if (m instanceof IntegerRedisMessage) {
            return ':';
        }
        if (m instanceof ArrayRedisMessage) {
            return '*';
        }
        return '$';
    }
}
