package io.nokv.node.cli;

import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.ManifestState;
import io.nokv.engine.vlog.VlogMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code nokv manifest}: what the manifest of a store records (files per level with key ranges), read without the lock. */
@Command(name = "manifest", mixinStandardHelpOptions = true,
        description = "Prints a store's manifest: levels, files and their key ranges, WAL checkpoint (works while the store runs).")
final class ManifestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreDirOptions store;

    @Override
    public Integer call() {
        ManifestState m = Manifest.readOnly(store.workdir);
        PrintWriter out = spec.commandLine().getOut();
        if (store.json) {
            out.println(Cli.json(toJson(m)));
        } else {
            printText(m, out);
        }
        return 0;
    }

    static Map<String, Object> toJson(ManifestState m) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("manifest_file", m.manifestFileName());
        root.put("next_file_id", m.nextFileId());
        root.put("last_version", m.lastVersion());
        root.put("safe_point", m.safePoint());
        root.put("wal_checkpoint", m.walCheckpoint());
        List<Map<String, Object>> levels = new ArrayList<>();
        for (int level = 0; level < m.levels().size(); level++) {
            List<FileMeta> files = m.level(level);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("level", level);
            l.put("file_count", files.size());
            l.put("total_bytes", files.stream().mapToLong(FileMeta::size).sum());
            l.put("file_ids", files.stream().map(FileMeta::id).sorted().toList());
            l.put("files", files.stream().map(ManifestCommand::fileJson).toList());
            levels.add(l);
        }
        root.put("levels", levels);
        root.put("value_log", valueLogJson(m));
        root.put("metadata_keys", List.copyOf(m.metadata().keySet()));
        return root;
    }

    /** What the manifest records of the value log: its head and the discard statistics (docs/engine-vlog.md). */
    private static Map<String, Object> valueLogJson(ManifestState m) {
        long[] head = VlogMetadata.head(m.metadata());
        Map<String, Object> v = new LinkedHashMap<>();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("segment", head[0]);
        h.put("offset", head[1]);
        v.put("head", h);
        v.put("discard", VlogMetadata.discard(m.metadata()).entrySet().stream().map(e -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("segment", e.getKey());
            d.put("stale_bytes", e.getValue());
            return d;
        }).toList());
        v.put("pending_delete", List.copyOf(VlogMetadata.pendingDelete(m.metadata())));
        return v;
    }

    private static Map<String, Object> fileJson(FileMeta f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("size", f.size());
        m.put("entries", f.entries());
        m.put("tombstones", f.tombstones());
        m.put("min_version", f.minVersion());
        m.put("max_version", f.maxVersion());
        m.put("smallest", StoreKeys.json(f.smallest()));
        m.put("largest", StoreKeys.json(f.largest()));
        return m;
    }

    private static void printText(ManifestState m, PrintWriter out) {
        new TextTable()
                .row("Manifest", ": " + m.manifestFileName())
                .row("Next file id", ": " + m.nextFileId())
                .row("Last version", ": " + m.lastVersion())
                .row("Safe point", ": " + m.safePoint())
                .row("WAL checkpoint", ": segment " + m.walCheckpoint())
                .print(out, "");
        out.println("Levels:");
        for (int level = 0; level < m.levels().size(); level++) {
            List<FileMeta> files = m.level(level);
            String ids = files.stream().map(FileMeta::id).sorted().map(String::valueOf).collect(Collectors.joining(" "));
            out.println("- L" + level + " files=" + files.size() + " bytes=" + files.stream().mapToLong(FileMeta::size).sum()
                    + " ids=[" + ids + "]");
            TextTable table = new TextTable();
            for (FileMeta f : files) {
                table.row(String.format("%06d.sst", f.id()), f.size(), "B", "entries=" + f.entries(),
                        "tombstones=" + f.tombstones(), "versions=" + f.minVersion() + ".." + f.maxVersion(),
                        StoreKeys.text(f.smallest()) + " .. " + StoreKeys.text(f.largest()));
            }
            table.print(out, "    ");
        }
        long[] head = VlogMetadata.head(m.metadata());
        out.println("ValueLog head: segment=" + head[0] + " offset=" + head[1]);
        String discard = VlogMetadata.discard(m.metadata()).entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" "));
        out.println("ValueLog discard (segment:stale bytes): " + (discard.isEmpty() ? "(none)" : discard));
        out.println("ValueLog pending delete: " + VlogMetadata.pendingDelete(m.metadata()));
        out.println("Metadata keys: " + (m.metadata().isEmpty() ? "(none)" : String.join(" ", m.metadata().keySet())));
    }
}
