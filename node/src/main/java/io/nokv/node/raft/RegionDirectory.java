package io.nokv.node.raft;

import io.nokv.node.region.RegionMeta;

import java.util.List;

/** What the Raft layer needs from the persisted region catalog: read every region, persist one. */
public interface RegionDirectory {
    List<RegionMeta> all();

    RegionMeta get(long regionId);

    /** Durably records the region (replacing an older entry with the same id). */
    void save(RegionMeta meta);
}
