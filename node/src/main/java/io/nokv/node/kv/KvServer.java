package io.nokv.node.kv;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The store's gRPC endpoint: the TinyKv service with bounded message sizes. */
public final class KvServer implements AutoCloseable {
    /** Inbound messages above this are refused with RESOURCE_EXHAUSTED before they are parsed. */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 16 << 20;

    private final Server server;
    private final ExecutorService workers;
    private final KvService service;

    public KvServer(String host, int port, io.nokv.node.raft.StoreRaftServer raft, KvMetrics metrics,
                    KvService.Limits limits) {
        this.workers = Executors.newFixedThreadPool(Math.max(4, Runtime.getRuntime().availableProcessors() * 2), r -> {
            Thread t = new Thread(r, "nokv-kv-worker");
            t.setDaemon(true);
            return t;
        });
        // Port 0 binds any free port; Status then reports the bound one.
        this.service = new KvService(raft, metrics, limits, workers, () -> host + ":" + port());
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .addService(service)
                .build();
    }

    public KvServer start() throws IOException {
        server.start();
        return this;
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }
}
