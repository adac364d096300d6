package io.nokv.node.region;

/**
 * A region's epoch: {@code version} grows on every range change (split, merge),
 * {@code confVersion} on every membership change. Requests carry the epoch they were routed with.
 * Ordered by version, then conf version: the greater epoch is the newer view of a region.
 */
public record RegionEpoch(long version, long confVersion) implements Comparable<RegionEpoch> {
    public RegionEpoch {
        if (version < 0 || confVersion < 0) {
            throw new IllegalArgumentException("epoch values must not be negative: version=" + version + " conf_version=" + confVersion);
        }
    }

    @Override
    public int compareTo(RegionEpoch o) {
        int c = Long.compare(version, o.version);
        return c != 0 ? c : Long.compare(confVersion, o.confVersion);
    }

    /** The same version with the conf version one higher: the epoch after a membership change. */
    public RegionEpoch nextConf() {
        return new RegionEpoch(version, confVersion + 1);
    }
}
