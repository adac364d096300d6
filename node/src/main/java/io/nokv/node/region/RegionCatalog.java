package io.nokv.node.region;

import io.nokv.engine.DB;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.lock.DirectoryLock;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.VersionEdit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The regions a store knows, persisted one engine metadata entry per region ({@code region/<id>},
 * {@link RegionCodec}) so they survive restarts. A live catalog writes through the open {@link DB};
 * the static helpers work on a store directory without opening it (seeding before the first start,
 * reading while a server runs).
 *
 * <p>Thread-safe: writes are serialized; reads see a consistent map.
 */
public final class RegionCatalog {
    private final DB db;
    private final NavigableMap<Long, RegionMeta> regions = new ConcurrentSkipListMap<>();

    private RegionCatalog(DB db) {
        this.db = db;
    }

    /** Reads every persisted region of {@code db}. A corrupt entry fails the load, naming its key. */
    public static RegionCatalog load(DB db) {
        RegionCatalog catalog = new RegionCatalog(db);
        for (RegionMeta meta : decodeAll(db.metadata())) {
            catalog.regions.put(meta.id(), meta);
        }
        return catalog;
    }

    /**
     * Persists {@code meta} (fsynced) and then publishes it. Refuses a state change the life cycle
     * does not allow ({@link RegionState#canBecome}).
     */
    public synchronized void put(RegionMeta meta) {
        RegionMeta old = regions.get(meta.id());
        if (old != null && !old.state().canBecome(meta.state())) {
            throw new IllegalStateException("region " + meta.id() + " cannot go from " + old.state().displayName()
                    + " to " + meta.state().displayName());
        }
        db.putMetadata(RegionCodec.metadataKey(meta.id()), RegionCodec.encode(meta));
        regions.put(meta.id(), meta);
    }

    /** Forgets region {@code id} durably; returns whether it was known. */
    public synchronized boolean remove(long id) {
        if (!regions.containsKey(id)) {
            return false;
        }
        db.putMetadata(RegionCodec.metadataKey(id), null);
        regions.remove(id);
        return true;
    }

    public Optional<RegionMeta> get(long id) {
        return Optional.ofNullable(regions.get(id));
    }

    /** Every region, sorted by id. */
    public List<RegionMeta> all() {
        return List.copyOf(regions.values());
    }

    /** The region (not tombstoned) whose range holds {@code key}. */
    public Optional<RegionMeta> regionFor(byte[] key) {
        return regions.values().stream()
                .filter(r -> r.state() != RegionState.TOMBSTONE && r.contains(key))
                .findFirst();
    }

    /**
     * Writes {@code meta} into the store at {@code storeDir} without opening the DB, creating the
     * store ({@code CURRENT} and the first manifest) if absent, exactly as the engine would. Holds
     * the store's directory lock meanwhile, so seeding a running store fails instead of racing it.
     * Replaces any earlier entry for the region, whatever its state (an operator's override).
     */
    public static void seed(Path storeDir, RegionMeta meta) {
        seed(storeDir, List.of(meta));
    }

    /**
     * {@link #seed(Path, RegionMeta)} for several regions in one manifest edit: a crash leaves the
     * store with all of them or none.
     */
    public static void seed(Path storeDir, List<RegionMeta> metas) {
        VersionEdit edit = new VersionEdit();
        metas.forEach(meta -> edit.putMeta(RegionCodec.metadataKey(meta.id()), RegionCodec.encode(meta)));
        try (DirectoryLock lock = DirectoryLock.acquire(storeDir);
             Manifest manifest = Manifest.open(storeDir, Options.at(storeDir).manifestRewriteBytes())) {
            manifest.apply(edit);
        }
    }

    /**
     * The regions persisted in the store at {@code storeDir}, sorted by id, read from its manifest
     * without taking the lock (works while a server has the store open).
     *
     * @throws NoKVException when the directory is not a store or its manifest cannot be read
     * @throws IllegalArgumentException when an entry is corrupt (the message names it)
     */
    public static List<RegionMeta> readOffline(Path storeDir) {
        return decodeAll(Manifest.readOnly(storeDir).metadata());
    }

    private static List<RegionMeta> decodeAll(Map<String, byte[]> metadata) {
        List<RegionMeta> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : metadata.entrySet()) {
            long id = RegionCodec.idOfKey(e.getKey());
            if (id < 0) {
                continue;
            }
            RegionMeta meta;
            try {
                meta = RegionCodec.decode(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("corrupt region entry " + e.getKey() + ": " + ex.getMessage(), ex);
            }
            if (meta.id() != id) {
                throw new IllegalArgumentException("corrupt region entry " + e.getKey() + ": holds region " + meta.id());
            }
            out.add(meta);
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }
}
