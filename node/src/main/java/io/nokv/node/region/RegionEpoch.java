package io.nokv.node.region;

/**
 * A region's epoch: {@code version} grows on every range change (split, merge),
 * {@code confVersion} on every membership change. Requests carry the epoch they were routed with.
 */
public record RegionEpoch(long version, long confVersion) {
    public RegionEpoch {
        if (version < 0 || confVersion < 0) {
            throw new IllegalArgumentException("epoch values must not be negative: version=" + version + " conf_version=" + confVersion);
        }
    }
}
