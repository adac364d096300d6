package io.nokv.client;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.nokv.node.config.AddressScope;
import io.nokv.node.config.ClusterConfig;
import io.nokv.node.config.RegionConfig;
import io.nokv.node.config.StoreConfig;
import io.nokv.node.kv.proto.RawBatchPutRequest;
import io.nokv.node.kv.proto.RawBatchPutResponse;
import io.nokv.node.kv.proto.RawDeleteRequest;
import io.nokv.node.kv.proto.RawDeleteResponse;
import io.nokv.node.kv.proto.RawGetRequest;
import io.nokv.node.kv.proto.RawGetResponse;
import io.nokv.node.kv.proto.RawKvPair;
import io.nokv.node.kv.proto.RawPutRequest;
import io.nokv.node.kv.proto.RawPutResponse;
import io.nokv.node.kv.proto.RawScanRequest;
import io.nokv.node.kv.proto.RawScanResponse;
import io.nokv.node.kv.proto.StatusResponse;
import io.nokv.node.region.RegionMeta;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The NoKV client: a raw key-value API and snapshot-isolation transactions over the stores'
 * TinyKv gRPC service. Requests go to the leader of the region holding the key, as far as the
 * client's region cache knows; region errors correct the cache and the request is retried up to
 * {@code max_retries} times. Thread-safe; share one client per process and close it at the end.
 *
 * <pre>{@code
 * try (NokvClient c = NokvClient.fromConfig("raft_config.example.json")) {
 *     Transaction t = c.begin();
 *     t.put("apple", "red");
 *     t.put("zebra", "striped");   // another region: still one atomic commit
 *     t.commit();                  // TxnConflictException: run the transaction again
 *     c.get("apple");              // "red"
 * }
 * }</pre>
 */
public final class NokvClient implements AutoCloseable {
    private final RegionRpc rpc;
    private final Timestamps tso;
    private final String tsoUrl;
    private final SnapshotReader reader;
    private final LockResolver resolver;
    private final ExecutorService pool;

    private NokvClient(RegionCache cache, String tsoUrl, ClientOptions options) {
        this.rpc = new RegionRpc(cache, options);
        this.tsoUrl = tsoUrl;
        this.tso = tsoUrl == null ? null : new Timestamps(tsoUrl);
        this.resolver = new LockResolver(rpc);
        this.reader = new SnapshotReader(rpc, resolver);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nokv-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A client for the cluster described by a {@code raft_config.json} (local addresses). */
    public static NokvClient fromConfig(String configFile) {
        return fromConfig(Path.of(configFile));
    }

    public static NokvClient fromConfig(Path configFile) {
        return fromConfig(configFile, AddressScope.LOCAL, null);
    }

    /**
     * @param scope   which store addresses to use ({@code docker} inside the compose network)
     * @param options null = defaults with the config's {@code max_retries}
     */
    public static NokvClient fromConfig(Path configFile, AddressScope scope, ClientOptions options) {
        ClusterConfig config;
        try {
            config = ClusterConfig.load(configFile);
        } catch (RuntimeException e) {
            throw new NokvException(e.getMessage(), e);
        }
        RegionCache cache = new RegionCache();
        for (StoreConfig s : config.stores()) {
            cache.putStore(s.id(), s.addr(scope));
        }
        List<RegionMeta> metas = new ArrayList<>();
        Map<Long, Long> leaders = new HashMap<>();
        for (RegionConfig r : config.regions()) {
            metas.add(r.toMeta());
            if (r.leaderStoreId() != null) {
                leaders.put(r.id(), r.leaderStoreId());
            }
        }
        cache.install(metas, leaders);
        String tsoUrl = null;
        if (config.tso() != null) {
            String adv = config.tso().advertiseUrl();
            tsoUrl = adv != null && !adv.isBlank() ? adv : config.tso().listenAddr();
        }
        ClientOptions o = options != null ? options : ClientOptions.defaults().withMaxRetries(config.effectiveMaxRetries());
        return new NokvClient(cache, tsoUrl, o);
    }

    /** A client from store addresses ({@code host:port}) and the TSO URL; regions are read from the stores. */
    public static NokvClient of(List<String> storeAddrs, String tsoUrl) {
        return of(storeAddrs, tsoUrl, ClientOptions.defaults());
    }

    public static NokvClient of(List<String> storeAddrs, String tsoUrl, ClientOptions options) {
        if (storeAddrs.isEmpty()) {
            throw new IllegalArgumentException("no store addresses");
        }
        NokvClient c = new NokvClient(new RegionCache(), tsoUrl, options);
        List<String> failures = new ArrayList<>();
        for (String addr : storeAddrs) {
            try {
                StatusResponse s = c.rpc.status(addr);
                c.rpc.cache().putStore(s.getStoreId(), addr);
            } catch (StatusRuntimeException e) {
                failures.add(addr + ": " + e.getStatus().getCode());
            }
        }
        if (c.rpc.cache().stores().isEmpty()) {
            c.close();
            throw new NokvException("no store answered: " + String.join(", ", failures));
        }
        c.rpc.refresh();
        return c;
    }

    // ---- transactions ---------------------------------------------------------------------------

    /** Starts a transaction at a fresh timestamp from the TSO. */
    public Transaction begin() {
        return new Transaction(rpc, reader, resolver, requireTso(), pool);
    }

    /** The latest committed value of {@code key} (a one-key read-only transaction), or null. */
    public byte[] get(byte[] key) {
        return reader.get(key, requireTso().next());
    }

    public String get(String key) {
        byte[] v = get(ByteKeys.utf8(key));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** Up to {@code limit} latest committed pairs with {@code start <= key < end} (empty end = unbounded). */
    public List<KvPair> scan(byte[] start, byte[] end, int limit) {
        return reader.scan(start, end, limit, requireTso().next());
    }

    public List<KvPair> scan(String start, String end, int limit) {
        return scan(ByteKeys.utf8(start), ByteKeys.utf8(end), limit);
    }

    private Timestamps requireTso() {
        if (tso == null) {
            throw new NokvException("no TSO configured: transactions need the config's tso block or a TSO URL");
        }
        return tso;
    }

    // ---- raw ------------------------------------------------------------------------------------

    public byte[] rawGet(byte[] key) {
        RawGetResponse r = single("raw get", key, (stub, ctx) -> stub.rawGet(RawGetRequest.newBuilder().setContext(ctx)
                .setKey(ByteString.copyFrom(key)).build()), RawGetResponse::hasRegionError, RawGetResponse::getRegionError);
        check("raw get", r.getError());
        return r.getNotFound() ? null : r.getValue().toByteArray();
    }

    public String rawGet(String key) {
        byte[] v = rawGet(ByteKeys.utf8(key));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    public void rawPut(byte[] key, byte[] value) {
        RawPutResponse r = single("raw put", key, (stub, ctx) -> stub.rawPut(RawPutRequest.newBuilder().setContext(ctx)
                        .setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)).build()),
                RawPutResponse::hasRegionError, RawPutResponse::getRegionError);
        check("raw put", r.getError());
    }

    public void rawPut(String key, String value) {
        rawPut(ByteKeys.utf8(key), ByteKeys.utf8(value));
    }

    public void rawDelete(byte[] key) {
        RawDeleteResponse r = single("raw delete", key, (stub, ctx) -> stub.rawDelete(RawDeleteRequest.newBuilder()
                .setContext(ctx).setKey(ByteString.copyFrom(key)).build()), RawDeleteResponse::hasRegionError,
                RawDeleteResponse::getRegionError);
        check("raw delete", r.getError());
    }

    public void rawDelete(String key) {
        rawDelete(ByteKeys.utf8(key));
    }

    /** Writes every pair; one request per region (not atomic across regions). */
    public void rawBatchPut(List<KvPair> pairs) {
        NavigableMap<byte[], byte[]> byKey = new TreeMap<>(ByteKeys.ORDER);
        pairs.forEach(p -> byKey.put(p.key(), p.value()));
        for (RegionRpc.Answer<RawBatchPutResponse> a : rpc.sendGrouped("raw batch put", new ArrayList<>(byKey.keySet()),
                keys -> {
                    RawBatchPutRequest.Builder b = RawBatchPutRequest.newBuilder();
                    keys.forEach(k -> b.addPairs(RawKvPair.newBuilder().setKey(ByteString.copyFrom(k))
                            .setValue(ByteString.copyFrom(byKey.get(k)))));
                    return (stub, ctx) -> stub.rawBatchPut(b.setContext(ctx).build());
                }, r -> r.hasRegionError() ? r.getRegionError() : null)) {
            check("raw batch put", a.response().getError());
        }
    }

    public void rawBatchPut(Map<String, String> pairs) {
        List<KvPair> list = new ArrayList<>();
        pairs.forEach((k, v) -> list.add(new KvPair(ByteKeys.utf8(k), ByteKeys.utf8(v))));
        rawBatchPut(list);
    }

    /**
     * Up to {@code limit} pairs with {@code start <= key < end} (empty end = unbounded), in key
     * order, across regions (each region's part continues at its end key).
     */
    public List<KvPair> rawScan(byte[] start, byte[] end, int limit) {
        List<KvPair> out = new ArrayList<>();
        byte[] from = start;
        while (out.size() < limit) {
            int want = limit - out.size();
            byte[] at = from;
            RegionRpc.Answer<RawScanResponse> a;
            try {
                a = rpc.send("raw scan", at, List.of(), (stub, ctx) -> stub.rawScan(RawScanRequest.newBuilder().setContext(ctx)
                                .setStartKey(ByteString.copyFrom(at)).setEndKey(ByteString.copyFrom(end)).setLimit(want).build()),
                        r -> r.hasRegionError() ? r.getRegionError() : null);
            } catch (RegionRpc.RegionChanged e) {
                throw new IllegalStateException("a scan names no keys", e);
            }
            check("raw scan", a.response().getError());
            a.response().getKvsList().forEach(p -> out.add(new KvPair(p.getKey().toByteArray(), p.getValue().toByteArray())));
            byte[] regionEnd = a.region().endKey();
            if (a.response().getKvsCount() >= want || ByteKeys.coversEnd(regionEnd, end)) {
                break;
            }
            from = regionEnd;
        }
        return out;
    }

    public List<KvPair> rawScan(String start, String end, int limit) {
        return rawScan(ByteKeys.utf8(start), ByteKeys.utf8(end), limit);
    }

    private <R> R single(String what, byte[] key, RegionRpc.Call<R> call, java.util.function.Predicate<R> hasError,
                         java.util.function.Function<R, io.nokv.node.kv.proto.RegionError> error) {
        try {
            return rpc.send(what, key, List.of(key), call, r -> hasError.test(r) ? error.apply(r) : null).response();
        } catch (RegionRpc.RegionChanged e) {
            throw new IllegalStateException("one key cannot span regions", e);
        }
    }

    private static void check(String what, String error) {
        if (error != null && !error.isEmpty()) {
            throw new NokvException(what + " failed: " + error);
        }
    }

    // ---- introspection --------------------------------------------------------------------------

    /** The cached regions as {@code id [start, end) leader=store} lines (for people at a prompt). */
    public List<String> regions() {
        List<String> out = new ArrayList<>();
        for (RegionCache.Region r : rpc.cache().all()) {
            out.add(r.id() + " [" + (r.startKey().length == 0 ? "-inf" : ByteKeys.format(r.startKey())) + ", "
                    + (r.endKey().length == 0 ? "+inf" : ByteKeys.format(r.endKey())) + ") leader="
                    + (r.leaderStoreId() == 0 ? "?" : "store " + r.leaderStoreId()));
        }
        return out;
    }

    /** Store id → address, as the client uses them. */
    public Map<Long, String> stores() {
        return rpc.cache().stores();
    }

    public String tsoUrl() {
        return tsoUrl;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        rpc.close();
    }

    @Override
    public String toString() {
        return "NokvClient" + stores() + " tso=" + tsoUrl;
    }
}
