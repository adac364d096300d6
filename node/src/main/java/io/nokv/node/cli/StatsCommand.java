package io.nokv.node.cli;

import io.nokv.engine.Options;
import io.nokv.engine.compaction.CompactionPicker;
import io.nokv.engine.db.StoreVerifier;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.ManifestState;
import io.nokv.engine.vlog.VlogInspector;
import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code nokv stats}: figures derived from a store directory's files (manifest, WAL, value log,
 * region catalog), read without the lock, so it works while the store runs.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Prints store statistics derived from its files, and the live figures of its last STATS snapshot (works while the store runs).")
final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreDirOptions store;

    @Option(names = "--verify", description = "First check what opening the store checks (CURRENT, manifest, every named SST"
            + " and its footer, the WAL chain and records, value-log bytes the WAL names); list every problem and exit 1 if any.")
    boolean verify;

    @Override
    public Integer call() {
        if (verify) {
            List<String> problems = StoreVerifier.verify(store.workdir);
            if (!problems.isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("store " + store.workdir + " has " + problems.size() + " problem(s) that open would refuse"
                        + " or not recover (docs/engine-wal-manifest.md, \"Recovery rules\", says what to do):");
                problems.forEach(p -> err.println("  " + p));
                err.flush();
                return 1;
            }
            if (!store.json) {
                spec.commandLine().getOut().println("verify: ok (manifest, SSTs, WAL, value-log bytes the WAL names)");
            }
        }
        ManifestState m = Manifest.readOnly(store.workdir);
        WalFacts wal = WalFacts.read(store.workdir, m.walCheckpoint());
        VlogInspector.Report vlog = VlogInspector.read(store.workdir);
        Map<String, Object> stats = toJson(m, wal, vlog, RegionCatalog.readOffline(store.workdir));
        Map<String, Object> live = LiveStats.read(store.workdir, System.currentTimeMillis());
        stats.put("live", live);
        PrintWriter out = spec.commandLine().getOut();
        if (store.json) {
            out.println(Cli.json(stats));
        } else {
            printText(stats, out);
            LiveStats.printText(live, out);
        }
        return 0;
    }

    static Map<String, Object> toJson(ManifestState m, WalFacts wal, VlogInspector.Report vlog, List<RegionMeta> regions) {
        List<List<FileMeta>> levels = m.levels();
        long sstEntries = levels.stream().flatMap(List::stream).mapToLong(FileMeta::entries).sum();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("entries", sstEntries + Math.max(0, wal.entries()));
        root.put("sst_entries", sstEntries);
        root.put("wal_entries", wal.entries());
        root.put("last_version", m.lastVersion());
        root.put("safe_point", m.safePoint());

        CompactionPicker picker = new CompactionPicker(new Options());
        double[] scores = picker.scores(levels);
        double maxScore = 0;
        List<Map<String, Object>> levelRows = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            List<FileMeta> files = levels.get(i);
            double score = i < scores.length ? scores[i] : 0;
            maxScore = Math.max(maxScore, score);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("level", i);
            l.put("files", files.size());
            l.put("bytes", files.stream().mapToLong(FileMeta::size).sum());
            l.put("entries", files.stream().mapToLong(FileMeta::entries).sum());
            l.put("tombstones", files.stream().mapToLong(FileMeta::tombstones).sum());
            l.put("score", score);
            levelRows.add(l);
        }
        root.put("levels", levelRows);
        Map<String, Object> compaction = new LinkedHashMap<>();
        compaction.put("backlog_bytes", picker.backlogBytes(levels));
        compaction.put("max_score", maxScore);
        root.put("compaction", compaction);

        Map<String, Object> w = new LinkedHashMap<>();
        w.put("active_segment", wal.activeSegment());
        w.put("active_size", wal.activeBytes());
        w.put("segments", wal.segments());
        w.put("bytes", wal.bytes());
        w.put("checkpoint", wal.checkpoint());
        w.put("obsolete_segments", wal.obsoleteSegments());
        w.put("records", wal.records());
        w.put("torn_tail_bytes", wal.tornTailBytes());
        w.put("problem", wal.problem());
        root.put("wal", w);
        root.put("value_log", VlogCommand.statsJson(vlog));

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("total", regions.size());
        for (RegionState state : RegionState.values()) {
            r.put(state.displayName(), regions.stream().filter(x -> x.state() == state).count());
        }
        root.put("regions", r);
        return root;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> s, PrintWriter out) {
        Map<String, Object> compaction = (Map<String, Object>) s.get("compaction");
        Map<String, Object> wal = (Map<String, Object>) s.get("wal");
        Map<String, Object> regions = (Map<String, Object>) s.get("regions");
        Map<String, Object> vlog = (Map<String, Object>) s.get("value_log");
        Map<String, Object> vlogHead = (Map<String, Object>) vlog.get("head");
        TextTable t = new TextTable()
                .row("Entries", s.get("entries"), "(sst=" + s.get("sst_entries") + " wal=" + s.get("wal_entries") + ")")
                .row("LastVersion", s.get("last_version"), "")
                .row("SafePoint", s.get("safe_point"), "")
                .row("Compaction.Backlog", compaction.get("backlog_bytes"), "bytes (default level targets)")
                .row("Compaction.MaxScore", compaction.get("max_score"), "")
                .row("WAL.ActiveSegment", wal.get("active_segment"),
                        "(segments=" + wal.get("segments") + " obsolete=" + wal.get("obsolete_segments")
                                + " checkpoint=" + wal.get("checkpoint") + ")")
                .row("WAL.ActiveSize", wal.get("active_size"), "bytes")
                .row("WAL.Bytes", wal.get("bytes"), "bytes")
                .row("WAL.Records", wal.get("records"), wal.get("problem") != null
                        ? "(unreadable: " + wal.get("problem") + "; run with --verify)"
                        : "(torn tail " + wal.get("torn_tail_bytes") + " bytes)")
                .row("ValueLog.Segments", vlog.get("segments"), "(active=" + vlog.get("active_segment") + " gc_candidates="
                        + vlog.get("gc_candidates") + " pending_delete=" + vlog.get("pending_delete") + ")")
                .row("ValueLog.Bytes", vlog.get("bytes"), "bytes (stale " + vlog.get("stale_bytes") + ")")
                .row("ValueLog.Head", vlogHead.get("segment"), "(offset=" + vlogHead.get("offset") + ")")
                .row("Regions.Total", regions.get("total"), Arrays.stream(RegionState.values())
                        .map(state -> state.displayName() + "=" + regions.get(state.displayName()))
                        .collect(Collectors.joining(" ", "(", ")")));
        t.print(out, "");
        out.println("Levels:");
        TextTable levels = new TextTable().row("level", "files", "bytes", "entries", "tombstones", "score");
        for (Map<String, Object> l : (List<Map<String, Object>>) s.get("levels")) {
            levels.row("L" + l.get("level"), l.get("files"), l.get("bytes"), l.get("entries"), l.get("tombstones"), l.get("score"));
        }
        levels.print(out, "  ");
    }
}
