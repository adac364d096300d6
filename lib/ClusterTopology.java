import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * raft_config.json as the scripts need it, read and validated by the node's own loader
 * (io.nokv.node.config.ClusterConfig, the one nokv-config uses), so a script accepts exactly the
 * configs the binaries accept and reports the same one-line errors.
 */
public final class ClusterTopology {
    /** A store's addresses for one scope; raft addresses already derived (raft_addr, else port + 100). */
    public record Store(long id, String listen, String addr, String raftListen, String raftAddr) {
    }

    public record Peer(long storeId, long peerId) {
    }

    /** A region; keys in the CLI's syntax (- = unbounded, hex:... = binary). */
    public record Region(long id, String startKey, String endKey, long epochVersion, long confVersion,
                         List<Peer> peers, long leaderStoreId) {
    }

    public final Path file;
    public final List<Store> stores;
    public final List<Region> regions;
    /** Null when the config has no tso block or no listen address. */
    public final String tsoListen;
    /** Null when the config has no tso block; else advertise_url, or http://listen_addr. */
    public final String tsoUrl;
    public final int maxRetries;

    private ClusterTopology(Path file, List<Store> stores, List<Region> regions, String tsoListen, String tsoUrl, int maxRetries) {
        this.file = file;
        this.stores = stores;
        this.regions = regions;
        this.tsoListen = tsoListen;
        this.tsoUrl = tsoUrl;
        this.maxRetries = maxRetries;
    }

    /** @param scope "local" or "docker" */
    public static ClusterTopology load(Path file, String scope) {
        Path abs = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new ScriptFailure(file + ": config file not found");
        }
        Object cfg = NodeClasses.callStatic("io.nokv.node.config.ClusterConfig", "load", abs);
        Object sc = NodeClasses.enumValue("io.nokv.node.config.AddressScope", scope.toUpperCase(java.util.Locale.ROOT));
        List<Store> stores = new ArrayList<>();
        for (Object s : (List<?>) NodeClasses.call(cfg, "stores")) {
            stores.add(new Store((Long) NodeClasses.call(s, "storeId"), (String) NodeClasses.call(s, "listenAddr", sc),
                    (String) NodeClasses.call(s, "addr", sc), NodeClasses.call(s, "raftListenAddr", sc).toString(),
                    NodeClasses.call(s, "raftAddr", sc).toString()));
        }
        List<Region> regions = new ArrayList<>();
        for (Object r : (List<?>) NodeClasses.call(cfg, "regions")) {
            Object epoch = NodeClasses.call(r, "epoch");
            List<Peer> peers = new ArrayList<>();
            for (Object p : (List<?>) NodeClasses.call(r, "peers")) {
                peers.add(new Peer((Long) NodeClasses.call(p, "storeId"), (Long) NodeClasses.call(p, "peerId")));
            }
            Long leader = (Long) NodeClasses.call(r, "leaderStoreId");
            regions.add(new Region((Long) NodeClasses.call(r, "id"), formatKey(NodeClasses.call(r, "startKeyBytes")),
                    formatKey(NodeClasses.call(r, "endKeyBytes")), (Long) NodeClasses.call(epoch, "version"),
                    (Long) NodeClasses.call(epoch, "confVersion"), List.copyOf(peers), leader == null ? 0 : leader));
        }
        String tsoListen = null;
        String tsoUrl = null;
        Object tso = NodeClasses.call(cfg, "tso");
        if (tso != null) {
            tsoListen = blankToNull((String) NodeClasses.call(tso, "listenAddr"));
            String adv = blankToNull((String) NodeClasses.call(tso, "advertiseUrl"));
            tsoUrl = adv != null ? adv.replaceAll("/+$", "") : tsoListen == null ? null : "http://" + tsoListen;
        }
        if (stores.isEmpty()) {
            throw new ScriptFailure(file + ": no stores in the config");
        }
        if (regions.isEmpty()) {
            throw new ScriptFailure(file + ": no regions in the config");
        }
        return new ClusterTopology(abs, List.copyOf(stores), List.copyOf(regions), tsoListen, tsoUrl,
                (Integer) NodeClasses.call(cfg, "effectiveMaxRetries"));
    }

    /**
     * {@code given}, or when null ./raft_config.example.json, or when that does not exist the
     * checkout's example (so {@code jbang run-local-cluster@nokv} works from any directory).
     */
    public static Path defaultConfig(Path given) {
        if (given != null) {
            return given;
        }
        Path local = Path.of("raft_config.example.json");
        if (Files.exists(local)) {
            return local;
        }
        return NokvCheckout.find().map(root -> root.resolve("raft_config.example.json")).filter(Files::exists).orElse(local);
    }

    public Optional<Store> store(long id) {
        return stores.stream().filter(s -> s.id() == id).findFirst();
    }

    public Store requireStore(long id) {
        return store(id).orElseThrow(() -> new ScriptFailure("store " + id + " is not in " + file + " (stores: "
                + stores.stream().map(s -> Long.toString(s.id())).collect(Collectors.joining(", ")) + ")"));
    }

    /** Peer id → raft address of its store, for every peer of every region on a store other than {@code self}. */
    public Map<Long, String> remotePeers(long self) {
        Map<Long, String> out = new LinkedHashMap<>();
        for (Region r : regions) {
            for (Peer p : r.peers()) {
                if (p.storeId() != self) {
                    out.put(p.peerId(), requireStore(p.storeId()).raftAddr());
                }
            }
        }
        return out;
    }

    /** Store id → KV address (what clients dial). */
    public Map<Long, String> storeAddrs() {
        Map<Long, String> out = new LinkedHashMap<>();
        stores.forEach(s -> out.put(s.id(), s.addr()));
        return out;
    }

    public List<Long> regionIds() {
        return regions.stream().map(Region::id).toList();
    }

    /**
     * Seeds every region into the store directory {@code dir} through {@code nokv-config manifest},
     * unless it already has a CURRENT (returns false then). The regions are written into a sibling
     * temporary directory whose files are moved in with CURRENT last, so a crash while seeding
     * leaves no CURRENT and the next run simply seeds again.
     */
    public boolean seed(Path dir, String state) {
        if (Files.exists(dir.resolve("CURRENT"))) {
            return false;
        }
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".seeding");
        try {
            deleteTree(tmp);
            Files.createDirectories(dir);
            for (Region r : regions) {
                List<String> args = new ArrayList<>(List.of("manifest", "--workdir", tmp.toString(),
                        "--region-id", Long.toString(r.id()), "--start-key", r.startKey(), "--end-key", r.endKey(),
                        "--epoch-version", Long.toString(r.epochVersion()), "--epoch-conf-version", Long.toString(r.confVersion()),
                        "--state", state));
                for (Peer p : r.peers()) {
                    args.add("--peer");
                    args.add(p.storeId() + ":" + p.peerId());
                }
                runNokvConfig(args);
            }
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : (Iterable<Path>) files.sorted(Comparator.comparing(p -> p.getFileName().toString().equals("CURRENT")))::iterator) {
                    Files.move(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            deleteTree(tmp);
        } catch (java.io.IOException e) {
            throw new ScriptFailure("cannot seed " + dir + ": " + e.getMessage());
        }
        return true;
    }

    /** Runs nokv-config in this JVM; a non-zero exit is a ScriptFailure carrying its error line. */
    static void runNokvConfig(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = (Integer) NodeClasses.callStatic("io.nokv.node.cli.NokvConfig", "run", args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        if (code != 0) {
            String msg = err.toString(StandardCharsets.UTF_8).strip();
            throw new ScriptFailure(msg.isEmpty() ? "nokv-config " + args.get(0) + " exited with " + code : msg.lines().findFirst().orElse(msg));
        }
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }

    private static String formatKey(Object bytes) {
        return (String) NodeClasses.callStatic("io.nokv.node.config.Keys", "format", bytes);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
