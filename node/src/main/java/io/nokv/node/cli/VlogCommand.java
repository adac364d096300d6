package io.nokv.node.cli;

import io.nokv.engine.vlog.VlogInspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nokv vlog}: value-log segments with their stale ratio and status, read without the store lock. */
@Command(name = "vlog", mixinStandardHelpOptions = true,
        description = "Prints a store's value-log segments: size, stale ratio, status (works while the store runs).")
final class VlogCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreDirOptions store;

    @Option(names = "--gc-threshold", paramLabel = "RATIO", defaultValue = "0.5",
            description = "Stale ratio from which a sealed segment counts as a GC candidate (the store's setting; default ${DEFAULT-VALUE}).")
    double gcThreshold;

    @Override
    public Integer call() {
        if (!(gcThreshold > 0 && gcThreshold <= 1)) {
            throw new IllegalArgumentException("--gc-threshold must be in (0, 1], got " + gcThreshold);
        }
        VlogInspector.Report report = VlogInspector.read(store.workdir, gcThreshold);
        PrintWriter out = spec.commandLine().getOut();
        if (store.json) {
            out.println(Cli.json(toJson(report)));
        } else {
            printText(report, out);
        }
        return 0;
    }

    static String status(VlogInspector.Status s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Map<String, Object> head(VlogInspector.Report r) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("segment", r.headSegment());
        head.put("offset", r.headOffset());
        return head;
    }

    static long activeSegment(VlogInspector.Report r) {
        return r.segments().stream().filter(s -> s.status() == VlogInspector.Status.ACTIVE)
                .mapToLong(VlogInspector.Segment::id).findFirst().orElse(0);
    }

    static long count(VlogInspector.Report r, VlogInspector.Status status) {
        return r.segments().stream().filter(s -> s.status() == status).count();
    }

    static Map<String, Object> toJson(VlogInspector.Report r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("active_segment", activeSegment(r));
        root.put("head", head(r));
        root.put("gc_threshold", r.gcThreshold());
        root.put("total_bytes", r.totalBytes());
        root.put("stale_bytes", r.staleBytes());
        root.put("segments", r.segments().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("size", s.sizeBytes());
            m.put("live_bytes", s.liveBytes());
            m.put("stale_bytes", s.staleBytes());
            m.put("stale_ratio", s.staleRatio());
            m.put("status", status(s.status()));
            return m;
        }).toList());
        return root;
    }

    private static void printText(VlogInspector.Report r, PrintWriter out) {
        new TextTable()
                .row("Active segment", ": " + (r.segments().isEmpty() ? "(none)" : String.valueOf(activeSegment(r))))
                .row("Head", ": segment=" + r.headSegment() + " offset=" + r.headOffset())
                .row("Total", ": " + r.totalBytes() + " bytes, stale " + r.staleBytes() + " bytes")
                .row("GC threshold", ": " + String.format(Locale.ROOT, "%.2f", r.gcThreshold()))
                .print(out, "");
        if (r.segments().isEmpty()) {
            out.println("Segments: (none)");
            return;
        }
        out.println("Segments:");
        TextTable t = new TextTable().row("id", "bytes", "live", "stale", "stale%", "status");
        for (VlogInspector.Segment s : r.segments()) {
            t.row(s.id(), s.sizeBytes(), s.liveBytes(), s.staleBytes(), 100 * s.staleRatio(), status(s.status()));
        }
        t.print(out, "  ");
    }

    /** The value-log part of {@code nokv stats}. */
    static Map<String, Object> statsJson(VlogInspector.Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("segments", r.segments().size());
        m.put("active_segment", activeSegment(r));
        m.put("head", head(r));
        m.put("bytes", r.totalBytes());
        m.put("stale_bytes", r.staleBytes());
        m.put("gc_candidates", count(r, VlogInspector.Status.GC_CANDIDATE));
        m.put("pending_delete", count(r, VlogInspector.Status.PENDING_DELETE));
        return m;
    }
}
