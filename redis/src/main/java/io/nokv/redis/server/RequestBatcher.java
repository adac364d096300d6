package io.nokv.redis.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.nokv.redis.protocol.Request;

import java.util.ArrayList;
import java.util.List;

/**
 * On the I/O thread: gathers the requests decoded from one read into one batch and hands the
 * batch to the connection's command executor when the read ends. A pipeline of N commands then
 * costs one hand-off between threads and one flush instead of N of each. A protocol error or a
 * stop request passes only after the requests read before it.
 */
final class RequestBatcher extends ChannelInboundHandlerAdapter {
    private List<Request> pending = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Request r) {
            pending.add(r);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handOff(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        handOff(ctx);
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        handOff(ctx);
        ctx.fireUserEventTriggered(evt);
    }

    private void handOff(ChannelHandlerContext ctx) {
        if (!pending.isEmpty()) {
            List<Request> batch = pending;
            pending = new ArrayList<>();
            ctx.fireChannelRead(new RequestBatch(batch));
        }
    }

    /** The requests of one read, in order. */
    record RequestBatch(List<Request> requests) {
    }
}
