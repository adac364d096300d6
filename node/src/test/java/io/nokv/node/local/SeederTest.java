package io.nokv.node.local;

import io.nokv.engine.DB;
import io.nokv.node.FileTree;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.node.config.AddressScope;
import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeederTest {
    static final List<RegionMeta> REGIONS = Topology.example(AddressScope.LOCAL).regions();

    @TempDir
    Path dir;

    @Test
    void seedsANewStoreOnceAndThenLeavesItAlone() {
        Path store = dir.resolve("store-1");
        assertEquals(Seeder.Outcome.SEEDED, Seeder.seed(store, REGIONS));
        assertTrue(Files.exists(store.resolve("CURRENT")));
        assertEquals(REGIONS, RegionCatalog.readOffline(store));

        List<RegionMeta> other = REGIONS.stream().map(r -> r.withState(RegionState.TOMBSTONE)).toList();
        assertEquals(Seeder.Outcome.ALREADY_BOOTSTRAPPED, Seeder.seed(store, other));
        assertEquals(REGIONS, RegionCatalog.readOffline(store), "a bootstrapped store is not re-seeded");
    }

    @Test
    void theSeededStoreOpensAndServesItsRegions() {
        Path store = dir.resolve("store-1");
        Seeder.seed(store, REGIONS);
        try (DB db = NoKV.open(Options.at(store))) {
            assertEquals(REGIONS, RegionCatalog.load(db).all());
        }
    }

    @Test
    void aStoreWithCurrentButNoRegionIsCompleted() {
        Path store = dir.resolve("store-1");
        NoKV.open(Options.at(store)).close(); // what an interrupted seeding leaves: CURRENT, an empty catalog
        assertEquals(Seeder.Outcome.SEEDED, Seeder.seed(store, REGIONS));
        assertEquals(REGIONS, RegionCatalog.readOffline(store));
    }

    @Test
    void aStoreThatLostCurrentIsRefusedAndNothingIsTouched() throws Exception {
        Path store = dir.resolve("store-1");
        Seeder.seed(store, REGIONS);
        try (DB db = NoKV.open(Options.at(store))) {
            for (int i = 0; i < 500; i++) {
                db.put(("key-" + i).getBytes(StandardCharsets.UTF_8), ("value-" + i).getBytes(StandardCharsets.UTF_8));
            }
            db.flush();
            db.put("in-the-wal".getBytes(StandardCharsets.UTF_8), "yes".getBytes(StandardCharsets.UTF_8));
        }
        Files.delete(store.resolve("CURRENT"));
        Map<String, Long> before = FileTree.sizes(store);
        assertTrue(before.keySet().stream().anyMatch(n -> n.endsWith(".sst")), before.toString());

        Seeder.StoreNotEmptyException e = assertThrows(Seeder.StoreNotEmptyException.class, () -> Seeder.seed(store, REGIONS));
        assertEquals(before, FileTree.sizes(store), "nothing created, moved or deleted");
        assertTrue(e.getMessage().startsWith(store + " has no CURRENT but holds store files (MANIFEST-"), e.getMessage());
        assertTrue(e.getMessage().contains("refusing, nothing was changed"), e.getMessage());
        assertTrue(e.getMessage().contains("restore CURRENT"), e.getMessage());
        assertTrue(e.found().stream().anyMatch(f -> f.endsWith("*.sst")), e.found().toString());
        assertTrue(e.found().stream().anyMatch(f -> f.startsWith("wal/")), e.found().toString());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void walOrVlogContentAloneIsEnoughToRefuse() throws Exception {
        for (String sub : List.of("wal", "vlog")) {
            Path store = dir.resolve("only-" + sub);
            Files.createDirectories(store.resolve(sub));
            Files.write(store.resolve(sub).resolve("000001." + sub), new byte[] {1, 2, 3});
            Seeder.StoreNotEmptyException e = assertThrows(Seeder.StoreNotEmptyException.class, () -> Seeder.seed(store, REGIONS));
            assertEquals(List.of(sub + "/ (1 entry)"), e.found());
            assertFalse(Files.exists(store.resolve("CURRENT")));
        }
    }

    @Test
    void emptyWalAndVlogDirectoriesAndForeignFilesDoNotCount() throws Exception {
        Path store = dir.resolve("store-1");
        Files.createDirectories(store.resolve("wal"));
        Files.createDirectories(store.resolve("vlog"));
        Files.writeString(store.resolve("server.log"), "an earlier start that failed before the engine opened\n");
        assertEquals(Seeder.Outcome.SEEDED, Seeder.seed(store, REGIONS));
    }
}
