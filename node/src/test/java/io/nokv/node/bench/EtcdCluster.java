package io.nokv.node.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.nokv.testkit.Poll;
import io.nokv.testkit.TestPorts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's peer: a three-member etcd on loopback (Debian's {@code etcd-server}, default
 * fsync), started from scratch in a temporary directory on free ports, and a jetcd client that
 * knows all three members. Install the binary with {@code apt-get install -y etcd-server}.
 */
final class EtcdCluster implements AutoCloseable {
    private final Path dir;
    private final List<Process> members = new ArrayList<>();
    private final Client client;
    final KV kv;

    private EtcdCluster(Path dir, List<Process> members, Client client) {
        this.dir = dir;
        this.members.addAll(members);
        this.client = client;
        this.kv = client.getKVClient();
    }

    /** Starts e1..e3 with the command line etcd documents for a static cluster; waits until a put succeeds. */
    static EtcdCluster start(String binary, Path dir) throws IOException {
        if (!Files.isExecutable(Path.of(binary)) && which(binary) == null) {
            throw new IllegalStateException("etcd binary '" + binary + "' not found: install it with "
                    + "'apt-get install -y etcd-server' or pass --etcd-bin PATH (or --no-etcd)");
        }
        int[] peer = new int[3];
        int[] clientPort = new int[3];
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            peer[i] = TestPorts.free();
            clientPort[i] = TestPorts.free();
            initial.append(i == 0 ? "" : ",").append("e").append(i + 1).append("=http://127.0.0.1:").append(peer[i]);
        }
        List<Process> procs = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                String name = "e" + (i + 1);
                String peerUrl = "http://127.0.0.1:" + peer[i];
                String clientUrl = "http://127.0.0.1:" + clientPort[i];
                endpoints.add(clientUrl);
                ProcessBuilder pb = new ProcessBuilder(binary, "--name", name, "--data-dir", dir.resolve(name).toString(),
                        "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                        "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                        "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
                        "--log-level", "warn")
                        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
                Files.createDirectories(dir);
                procs.add(pb.start());
            }
            Client c = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
            KV kv = c.getKVClient();
            ByteSequence probe = ByteSequence.from(new byte[] {'p'});
            Poll.until("etcd to accept a put (logs in " + dir + ")", Duration.ofSeconds(60), () -> {
                for (Process p : procs) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("an etcd member exited " + p.exitValue() + " (logs in " + dir + ")");
                    }
                }
                try {
                    kv.put(probe, probe).get(2, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            return new EtcdCluster(dir, procs, c);
        } catch (RuntimeException | IOException | Error e) {
            procs.forEach(Process::destroyForcibly);
            throw e;
        }
    }

    private static Path which(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    boolean put(byte[] key, byte[] value) throws Exception {
        kv.put(ByteSequence.from(key), ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
        return true;
    }

    /** A linearizable read (jetcd's default; etcd confirms leadership with ReadIndex, as NoKV does). */
    boolean get(byte[] key) throws Exception {
        kv.get(ByteSequence.from(key)).get(10, TimeUnit.SECONDS);
        return true;
    }

    @Override
    public void close() {
        client.close();
        members.forEach(Process::destroyForcibly);
        for (Process p : members) {
            try {
                p.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Path dir() {
        return dir;
    }
}
