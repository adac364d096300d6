package io.nokv.node.raft;

import io.nokv.engine.DB;
import io.nokv.node.kv.proto.RegionMeta;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Interim catalog: {@code region/<id>} metadata entries holding the protobuf RegionMeta. Replaced by
 * an adapter over {@code io.nokv.node.region.RegionCatalog} once that lands.
 */
public final class MetadataRegionDirectory implements RegionDirectory {
    private static final String PREFIX = "region/";
    private final DB db;

    public MetadataRegionDirectory(DB db) {
        this.db = db;
    }

    @Override
    public synchronized List<RegionMeta> all() {
        List<RegionMeta> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : db.metadata().entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                out.add(parse(e.getKey(), e.getValue()));
            }
        }
        out.sort(Comparator.comparingLong(RegionMeta::getId));
        return out;
    }

    @Override
    public synchronized RegionMeta get(long regionId) {
        byte[] v = db.getMetadata(PREFIX + regionId);
        return v == null ? null : parse(PREFIX + regionId, v);
    }

    @Override
    public synchronized void save(RegionMeta meta) {
        db.putMetadata(PREFIX + meta.getId(), meta.toByteArray());
    }

    private static RegionMeta parse(String key, byte[] v) {
        try {
            return RegionMeta.parseFrom(v);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("catalog entry " + key + " is not a RegionMeta: " + e.getMessage(), e);
        }
    }
}
