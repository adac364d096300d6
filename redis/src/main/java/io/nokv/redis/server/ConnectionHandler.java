package io.nokv.redis.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.redis.RedisCodecException;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.nokv.redis.commands.Dispatcher;
import io.nokv.redis.commands.Session;
import io.nokv.redis.protocol.ProtocolException;
import io.nokv.redis.protocol.Replies;
import io.nokv.redis.protocol.Request;

import java.io.IOException;

/**
 * One client connection. Runs on a command executor (not the I/O thread), one event at a time and
 * in arrival order, so the engine may block without stalling other connections' I/O. It gets the
 * requests of one read as a batch ({@link RequestBatcher}); replies are written as commands
 * finish and flushed when the batch ends: a pipeline of N commands costs one flush, not N.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private final Dispatcher dispatcher;
    private final ClientSlots slots;
    private Session session;
    private boolean closing;

    ConnectionHandler(Dispatcher dispatcher, ClientSlots slots) {
        this.dispatcher = dispatcher;
        this.slots = slots;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!slots.tryAcquire()) {
            closing = true;
            ctx.writeAndFlush(Replies.error("ERR max number of clients reached")).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        boolean open = dispatcher.gateway().password() == null;
        session = new Session(slots.nextId(), String.valueOf(ctx.channel().remoteAddress()), open, System.currentTimeMillis());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            slots.release();
            session = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RequestBatcher.RequestBatch batch)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        for (Request request : batch.requests()) {
            if (closing || session == null) {
                return;
            }
            RedisMessage reply;
            try {
                reply = dispatcher.execute(session, request);
            } catch (RuntimeException e) {
                // a failure of the engine itself; the connection and the server stay up
                System.err.println("nokv-redis: " + request.name() + " failed: " + e);
                reply = Replies.error("ERR internal error: " + e);
            }
            if (session.closeAfterReply()) {
                closing = true;
                ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.write(reply, ctx.voidPromise());
        }
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // a client that pipelines without reading its replies stops being read until it catches up
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent || evt == RedisServer.STOP) {
            // STOP arrives after every request already read from this connection has run
            closing = true;
            ctx.flush();
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closing) {
            return;
        }
        closing = true;
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof RedisCodecException codec) {
            c = ProtocolException.of(codec);
        }
        if (c instanceof ProtocolException) {
            ctx.writeAndFlush(Replies.error("ERR Protocol error: " + c.getMessage())).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (!(c instanceof IOException)) {
                System.err.println("nokv-redis: closing connection " + ctx.channel().remoteAddress() + ": " + c);
            }
            ctx.close();
        }
    }
}
