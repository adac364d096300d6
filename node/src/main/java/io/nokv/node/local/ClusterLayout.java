package io.nokv.node.local;

import java.nio.file.Path;

/**
 * Where a local cluster keeps its files under one root ({@code run-local-cluster --workdir}):
 * {@code store-<id>/} per store (its engine, {@code raft/} and {@code server.log}), {@code tso/}
 * (the TSO's high-water mark) and {@code tso.log}. The tree is drawn in {@code docs/architecture.md}.
 */
public record ClusterLayout(Path root) {
    public ClusterLayout {
        root = root.toAbsolutePath().normalize();
    }

    public Path storeDir(long storeId) {
        return root.resolve("store-" + storeId);
    }

    public Path storeLog(long storeId) {
        return storeDir(storeId).resolve("server.log");
    }

    public Path tsoDataDir() {
        return root.resolve("tso");
    }

    public Path tsoLog() {
        return root.resolve("tso.log");
    }
}
