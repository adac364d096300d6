package io.nokv.node.local;

import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.record.DurableFiles;
import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionMeta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Gives a store directory its regions before the store's first start ({@code run-local-cluster} and
 * {@code bootstrap-from-config} at every start). A store is bootstrapped when it has {@code CURRENT}
 * and at least one region; seeding goes through the engine's own manifest creation (which writes
 * {@code CURRENT} last and fsyncs the directory) and writes every region in one edit, so a crash
 * while seeding leaves either nothing or a store that the next run completes.
 *
 * <p>A directory without {@code CURRENT} that holds any engine file ({@code MANIFEST-*}, {@code *.sst},
 * content in {@code wal/} or {@code vlog/}) is a store that lost its {@code CURRENT}, not an empty
 * one: seeding it would start a new, empty store over the old data, and the next open would delete
 * the old files as orphans. That is refused with {@link StoreNotEmptyException}; nothing is touched.
 */
public final class Seeder {
    /** What {@link #seed} did. */
    public enum Outcome {
        /** The regions were written (a new store, or one whose earlier seeding was interrupted). */
        SEEDED,
        /** The store already has CURRENT and regions; nothing was written. */
        ALREADY_BOOTSTRAPPED
    }

    /** Seeding refused: the directory holds a store's files but no CURRENT. */
    public static final class StoreNotEmptyException extends IllegalStateException {
        private final List<String> found;

        StoreNotEmptyException(Path dir, List<String> found) {
            super(dir + " has no CURRENT but holds store files (" + String.join(", ", found) + "): its CURRENT was lost, "
                    + "so seeding would start an empty store over this data; refusing, nothing was changed. "
                    + "To keep the data, restore CURRENT (one line naming the newest MANIFEST-* file); "
                    + "to start this store empty, move the directory aside first");
            this.found = List.copyOf(found);
        }

        /** What was found, e.g. {@code "MANIFEST-000003"}, {@code "2 *.sst"}, {@code "wal/ (3 entries)"}. */
        public List<String> found() {
            return found;
        }
    }

    private Seeder() {
    }

    /**
     * Seeds {@code regions} into the store at {@code storeDir} (created if absent) unless it is
     * already bootstrapped.
     *
     * @throws StoreNotEmptyException when the directory holds store files but no CURRENT
     */
    public static Outcome seed(Path storeDir, List<RegionMeta> regions) {
        if (Manifest.exists(storeDir)) {
            if (!RegionCatalog.readOffline(storeDir).isEmpty()) {
                return Outcome.ALREADY_BOOTSTRAPPED;
            }
            // CURRENT but no region: the engine created the store and the region edit never landed.
        } else {
            List<String> found = storeFiles(storeDir);
            if (!found.isEmpty()) {
                throw new StoreNotEmptyException(storeDir, found);
            }
        }
        RegionCatalog.seed(storeDir, regions);
        syncParent(storeDir); // the engine fsyncs the store directory; its own entry is the parent's
        return Outcome.SEEDED;
    }

    private static void syncParent(Path storeDir) {
        Path parent = storeDir.toAbsolutePath().getParent();
        if (parent == null) {
            return;
        }
        try {
            DurableFiles.syncDirectory(parent);
        } catch (IOException e) {
            throw new IllegalStateException("cannot fsync " + parent + " after seeding " + storeDir + ": " + e.getMessage(), e);
        }
    }

    /** The engine files in {@code dir}, summarised; empty when there are none (or no directory). */
    static List<String> storeFiles(Path dir) {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        int ssts = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith("MANIFEST-")) {
                    found.add(name);
                } else if (name.endsWith(".sst")) {
                    ssts++;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (ssts > 0) {
            found.add(ssts + " *.sst");
        }
        for (String sub : List.of("wal", "vlog")) {
            long n = countEntries(dir.resolve(sub));
            if (n > 0) {
                found.add(sub + "/ (" + n + (n == 1 ? " entry)" : " entries)"));
            }
        }
        return found;
    }

    private static long countEntries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
