package io.nokv.redis.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.nokv.redis.commands.Dispatcher;
import io.nokv.redis.metrics.GatewayStats;
import io.nokv.redis.protocol.RequestDecoder;
import io.nokv.redis.protocol.RequestLimits;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The RESP listener: Netty's RESP codec on the I/O threads (decode, limits, aggregation), commands
 * on a separate executor group (each connection pinned to one executor thread, so its commands run
 * in order). Stopping closes the listener, lets every connection finish the requests it already
 * sent, then closes it.
 */
public final class RedisServer implements AutoCloseable {
    /** Longest inline command line (redis-server's PROTO_INLINE_MAX_SIZE). */
    static final int MAX_INLINE_BYTES = 64 * 1024;
    /** The event that asks a connection to close after its pending requests. */
    static final Object STOP = new Object();

    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final EventExecutorGroup commands;
    private final ChannelGroup clients = new DefaultChannelGroup("nokv-redis-clients", GlobalEventExecutor.INSTANCE);
    private final Channel listener;

    /**
     * @param idleSeconds close a connection idle this long; 0 = never
     * @param commandThreads executor threads running commands (the engine's calls block)
     */
    public RedisServer(InetSocketAddress addr, Dispatcher dispatcher, GatewayStats stats, int maxClients,
                       int idleSeconds, int commandThreads) throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
        commands = new DefaultEventExecutorGroup(commandThreads);
        ClientSlots slots = new ClientSlots(maxClients, stats);
        ServerBootstrap b = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        if (idleSeconds > 0) {
                            p.addLast(new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS));
                        }
                        p.addLast(new RedisEncoder());
                        p.addLast(new RedisDecoder(MAX_INLINE_BYTES, FixedRedisMessagePool.INSTANCE, true));
                        p.addLast(new RequestLimits());
                        p.addLast(new RedisBulkStringAggregator());
                        p.addLast(new RedisArrayAggregator());
                        p.addLast(new RequestDecoder());
                        p.addLast(new RequestBatcher());
                        p.addLast(commands, "commands", new ConnectionHandler(dispatcher, slots));
                    }
                });
        listener = b.bind(addr).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    public int openConnections() {
        return clients.size();
    }

    /** Stops accepting, lets each connection run what it already received, closes it; waits up to {@code grace}. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        clients.forEach(ch -> {
            ch.config().setAutoRead(false);
            ch.pipeline().fireUserEventTriggered(STOP);
        });
        clients.newCloseFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        // The two groups hand events to each other until the closed channels' last events have run:
        // a short quiet period on each lets those run instead of being rejected.
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        commands.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        io.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
