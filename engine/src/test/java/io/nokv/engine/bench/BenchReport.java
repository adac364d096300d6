package io.nokv.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Collects results over repeats and prints/writes the medians: one table per workload, one CSV row
 * each. ops/s, p50 and p99 are each the median over repeats; the ratio is the median of the
 * per-repeat ratios (see {@link #ratio}).
 */
final class BenchReport {
    static final String CSV_HEADER =
            "workload,value_size,nokv_ops,rocksdb_ops,nokv_p50_us,nokv_p99_us,rocksdb_p50_us,rocksdb_p99_us,ratio";

    private record Cell(int valueSize, String workload, String engine) {
    }

    /** The medians over repeats (each statistic on its own). */
    private record Summary(double opsPerSecond, double p50Micros, double p99Micros, long misses) {
    }

    private final Map<Cell, List<Workloads.Result>> results = new LinkedHashMap<>();
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    /** "valueSize/engine" → space amplifications after overwrite + reclaim, one per repeat. */
    private final Map<String, List<Double>> space = new LinkedHashMap<>();

    void space(int valueSize, String engine, double amplification) {
        space.computeIfAbsent(valueSize + "/" + engine, k -> new ArrayList<>()).add(amplification);
    }

    void add(int valueSize, String engine, Workloads.Result r) {
        results.computeIfAbsent(new Cell(valueSize, r.workload(), engine), c -> new ArrayList<>()).add(r);
    }

    void unavailable(String engine, String why) {
        unavailable.put(engine, why);
    }

    String table(BenchConfig config) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "NoKV vs RocksDB: %,d keys of %d bytes, median of %d repeat(s)%n",
                config.keys(), Workloads.KEY_BYTES, config.repeats()));
        unavailable.forEach((engine, why) -> sb.append(engine).append(" not run: ").append(why).append('\n'));
        for (int valueSize : config.valueSizes()) {
            for (String workload : config.workloads()) {
                sb.append(String.format(Locale.ROOT, "%n%s, value %d B%n", workload, valueSize));
                sb.append(String.format(Locale.ROOT, "  %-8s %14s %10s %10s%n", "engine", "ops/s", "p50 us", "p99 us"));
                for (String engine : config.engines()) {
                    Summary s = summary(valueSize, workload, engine);
                    if (s == null) {
                        sb.append(String.format(Locale.ROOT, "  %-8s %14s%n", engine, "-"));
                    } else {
                        sb.append(String.format(Locale.ROOT, "  %-8s %,14.0f %10.2f %10.2f%s%n", engine,
                                s.opsPerSecond(), s.p50Micros(), s.p99Micros(),
                                s.misses() == 0 ? "" : "  (" + s.misses() + " missed/short)"));
                    }
                }
                String ratio = ratio(valueSize, workload);
                sb.append("  ratio NoKV/RocksDB ops/s (median of per-repeat ratios): ").append(ratio.isEmpty() ? "-" : ratio + "x").append('\n');
            }
            for (String engine : config.engines()) {
                List<Double> amps = space.get(valueSize + "/" + engine);
                if (amps != null) {
                    double[] xs = amps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    sb.append(String.format(Locale.ROOT, "%nspace amplification after overwrite + reclaim, value %d B, %s: %.2f%n",
                            valueSize, engine, xs[xs.length / 2]));
                }
            }
        }
        return sb.toString();
    }

    void write(Path csv, String table) throws IOException {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        List<Cell> rows = results.keySet().stream()
                .map(c -> new Cell(c.valueSize(), c.workload(), ""))
                .distinct()
                .sorted(Comparator.comparingInt(Cell::valueSize)
                        .thenComparingInt(c -> BenchConfig.ALL_WORKLOADS.indexOf(c.workload())))
                .toList();
        for (Cell row : rows) {
            Summary n = summary(row.valueSize(), row.workload(), "nokv");
            Summary r = summary(row.valueSize(), row.workload(), "rocksdb");
            sb.append(row.workload()).append(',').append(row.valueSize()).append(',')
                    .append(n == null ? "" : fmt0(n.opsPerSecond())).append(',')
                    .append(r == null ? "" : fmt0(r.opsPerSecond())).append(',')
                    .append(n == null ? "" : fmt2(n.p50Micros())).append(',')
                    .append(n == null ? "" : fmt2(n.p99Micros())).append(',')
                    .append(r == null ? "" : fmt2(r.p50Micros())).append(',')
                    .append(r == null ? "" : fmt2(r.p99Micros())).append(',')
                    .append(ratio(row.valueSize(), row.workload())).append('\n');
        }
        Path parent = csv.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(csv, sb.toString());
        Files.writeString(tablePath(csv), table);
    }

    static Path tablePath(Path csv) {
        String name = csv.getFileName().toString();
        String base = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return csv.resolveSibling(base + ".txt");
    }

    /**
     * The median over repeats of NoKV's ops/s divided by RocksDB's in the same repeat. Both ran the
     * phase back to back, so each quotient cancels most of the machine's load of the moment, which
     * a quotient of the two separate medians would not.
     */
    private String ratio(int valueSize, String workload) {
        List<Workloads.Result> n = results.get(new Cell(valueSize, workload, "nokv"));
        List<Workloads.Result> r = results.get(new Cell(valueSize, workload, "rocksdb"));
        if (n == null || r == null || n.isEmpty() || r.isEmpty()) {
            return "";
        }
        double ratio;
        if (n.size() == r.size()) {
            double[] quotients = new double[n.size()];
            for (int i = 0; i < quotients.length; i++) {
                quotients[i] = n.get(i).opsPerSecond() / r.get(i).opsPerSecond();
            }
            ratio = median(quotients);
        } else {
            ratio = summary(valueSize, workload, "nokv").opsPerSecond()
                    / summary(valueSize, workload, "rocksdb").opsPerSecond();
        }
        return String.format(Locale.ROOT, "%.3f", ratio);
    }

    private Summary summary(int valueSize, String workload, String engine) {
        List<Workloads.Result> rs = results.get(new Cell(valueSize, workload, engine));
        if (rs == null || rs.isEmpty()) {
            return null;
        }
        return new Summary(median(rs, Workloads.Result::opsPerSecond), median(rs, Workloads.Result::p50Micros),
                median(rs, Workloads.Result::p99Micros), (long) median(rs, r -> r.misses()));
    }

    private static double median(List<Workloads.Result> rs, ToDoubleFunction<Workloads.Result> f) {
        return median(rs.stream().mapToDouble(f).toArray());
    }

    private static double median(double[] values) {
        double[] xs = values.clone();
        Arrays.sort(xs);
        int mid = xs.length / 2;
        return xs.length % 2 == 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
