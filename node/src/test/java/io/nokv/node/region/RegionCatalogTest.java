package io.nokv.node.region;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.nokv.node.region.RegionCodecTest.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionCatalogTest {
    @TempDir
    Path dir;

    @Test
    void survivesReopenAndRoutesKeys() {
        RegionMeta left = meta(2, "", "m", RegionState.RUNNING, new RegionPeer(1, 101));
        RegionMeta right = meta(1, "m", "", RegionState.RUNNING, new RegionPeer(1, 102));
        try (DB db = NoKV.open(Options.at(dir))) {
            RegionCatalog catalog = RegionCatalog.load(db);
            catalog.put(left);
            catalog.put(right);
            db.putMetadata("unrelated", new byte[] {1});
        }
        try (DB db = NoKV.open(Options.at(dir))) {
            RegionCatalog catalog = RegionCatalog.load(db);
            assertEquals(List.of(right, left), catalog.all());
            assertEquals(2, catalog.regionFor("a".getBytes()).orElseThrow().id());
            assertEquals(1, catalog.regionFor("m".getBytes()).orElseThrow().id());
            catalog.put(right.withState(RegionState.TOMBSTONE));
            assertTrue(catalog.regionFor("z".getBytes()).isEmpty(), "a tombstone serves no keys");
            assertThrows(IllegalStateException.class, () -> catalog.put(right));
            assertTrue(catalog.remove(1));
            assertFalse(catalog.remove(1));
        }
        try (DB db = NoKV.open(Options.at(dir))) {
            assertEquals(List.of(left), RegionCatalog.load(db).all());
        }
    }

    @Test
    void seedCreatesAStoreTheEngineOpens() {
        Path store = dir.resolve("store-1");
        RegionMeta m = meta(7, "a", "z", RegionState.RUNNING, new RegionPeer(1, 71));
        RegionCatalog.seed(store, m);
        assertTrue(Files.exists(store.resolve("CURRENT")));
        assertEquals(List.of(m), RegionCatalog.readOffline(store));
        try (DB db = NoKV.open(Options.at(store))) {
            assertEquals(List.of(m), RegionCatalog.load(db).all());
        }
    }

    @Test
    void seedingAnOpenStoreIsRefused() {
        try (DB db = NoKV.open(Options.at(dir))) {
            NoKVException e = assertThrows(NoKVException.class,
                    () -> RegionCatalog.seed(dir, meta(1, "", "", RegionState.RUNNING)));
            assertTrue(e.getMessage().contains("locked"), e.getMessage());
        }
    }

    @Test
    void readingANonStoreFailsClearly() {
        NoKVException e = assertThrows(NoKVException.class, () -> RegionCatalog.readOffline(dir));
        assertTrue(e.getMessage().contains("not a NoKV store"), e.getMessage());
    }

    @Test
    void corruptEntryIsNamed() {
        try (DB db = NoKV.open(Options.at(dir))) {
            db.putMetadata("region/3", new byte[] {1, 2});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegionCatalog.load(db));
            assertTrue(e.getMessage().contains("region/3"), e.getMessage());
        }
    }
}
