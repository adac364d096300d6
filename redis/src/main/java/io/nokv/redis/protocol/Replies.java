package io.nokv.redis.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Building RESP2 replies: the shapes redis-server answers with. */
public final class Replies {
    public static final RedisMessage OK = new SimpleStringRedisMessage("OK");
    public static final RedisMessage PONG = new SimpleStringRedisMessage("PONG");
    public static final RedisMessage NIL = FullBulkStringRedisMessage.NULL_INSTANCE;
    public static final RedisMessage NIL_ARRAY = ArrayRedisMessage.NULL_INSTANCE;
    public static final RedisMessage EMPTY_ARRAY = ArrayRedisMessage.EMPTY_INSTANCE;
    public static final RedisMessage ZERO = new IntegerRedisMessage(0);
    public static final RedisMessage ONE = new IntegerRedisMessage(1);

    private Replies() {
    }

    public static RedisMessage simple(String text) {
        return new SimpleStringRedisMessage(text);
    }

    /** An error reply; {@code text} starts with its code ({@code ERR}, {@code WRONGTYPE}, ...). */
    public static RedisMessage error(String text) {
        return new ErrorRedisMessage(text);
    }

    public static RedisMessage integer(long n) {
        return n == 0 ? ZERO : n == 1 ? ONE : new IntegerRedisMessage(n);
    }

    /** A bulk string, or nil for null. */
    public static RedisMessage bulk(byte[] bytes) {
        return bytes == null ? NIL : new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(bytes));
    }

    public static RedisMessage bulk(String text) {
        return text == null ? NIL : bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    public static RedisMessage array(List<RedisMessage> items) {
        return items.isEmpty() ? EMPTY_ARRAY : new ArrayRedisMessage(items);
    }

    /** An array of bulk strings; null entries become nil. */
    public static RedisMessage bulks(List<byte[]> items) {
        List<RedisMessage> out = new ArrayList<>(items.size());
        for (byte[] b : items) {
            out.add(bulk(b));
        }
        return array(out);
    }
}
