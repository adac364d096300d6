package io.nokv.node.raft;

import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionMeta;

import java.util.List;

/** The Raft layer's view of the store's persisted {@link RegionCatalog}. */
public final class CatalogRegionDirectory implements RegionDirectory {
    private final RegionCatalog catalog;

    public CatalogRegionDirectory(RegionCatalog catalog) {
        this.catalog = catalog;
    }

    public RegionCatalog catalog() {
        return catalog;
    }

    @Override
    public List<RegionMeta> all() {
        return catalog.all();
    }

    @Override
    public RegionMeta get(long regionId) {
        return catalog.get(regionId).orElse(null);
    }

    @Override
    public void save(RegionMeta meta) {
        catalog.put(meta);
    }
}
