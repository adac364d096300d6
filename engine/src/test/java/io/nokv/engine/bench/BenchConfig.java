package io.nokv.engine.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command-line settings of {@link EngineBenchmark}: plain {@code --flag value} pairs. */
record BenchConfig(
        int keys,
        List<Integer> valueSizes,
        List<String> workloads,
        int repeats,
        Path dir,
        Path out,
        List<String> engines,
        long seed,
        long settleTimeoutSeconds) {

    static final String FILL = "fillrandom";
    static final String READ = "readrandom";
    static final String READ_COLD = "readrandom-cold";
    static final String OVERWRITE = "overwrite";
    static final String SEEK = "seekrandom-next100";
    static final String READ_UPDATE = "readupdate-4t";
    static final List<String> ALL_WORKLOADS = List.of(FILL, READ, READ_COLD, OVERWRITE, SEEK, READ_UPDATE);
    static final List<String> ALL_ENGINES = List.of("nokv", "rocksdb");

    static final String USAGE = """
            EngineBenchmark: NoKV vs RocksDB (JNI) on the same keys, values and settings.

              --keys N            keys loaded (16 bytes each)            default 1000000
              --value-sizes A,B   value sizes in bytes                   default 100,1000
              --workloads W,...   any of %s
                                  default all (fillrandom always runs: it loads the data)
              --repeats N         runs per engine; the median is reported default 1
              --dir PATH          data directory (wiped per run)         default artifacts/bench/data
              --out PATH          CSV output; the table goes next to it  default artifacts/bench/engine.csv
              --engines E,...     nokv,rocksdb or one of them            default nokv,rocksdb
              --seed N            key order and read sequence            default 42
              --settle-timeout S  max seconds to wait for compactions    default 600
              --help              this text
            """.formatted(String.join(",", ALL_WORKLOADS));

    static BenchConfig parse(String[] args) {
        int keys = 1_000_000;
        List<Integer> valueSizes = List.of(100, 1000);
        List<String> workloads = ALL_WORKLOADS;
        int repeats = 1;
        Path dir = Path.of("artifacts/bench/data");
        Path out = Path.of("artifacts/bench/engine.csv");
        List<String> engines = ALL_ENGINES;
        long seed = 42;
        long settleTimeout = 600;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag " + flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--keys" -> keys = positiveInt(flag, value);
                case "--value-sizes" -> valueSizes = split(value).stream().map(v -> positiveInt(flag, v)).toList();
                case "--workloads" -> workloads = checked(flag, split(value), ALL_WORKLOADS);
                case "--repeats" -> repeats = positiveInt(flag, value);
                case "--dir" -> dir = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--engines" -> engines = checked(flag, split(value), ALL_ENGINES);
                case "--seed" -> seed = Long.parseLong(value);
                case "--settle-timeout" -> settleTimeout = positiveInt(flag, value);
                default -> throw new IllegalArgumentException("unknown flag " + flag + " (see --help)");
            }
        }
        return new BenchConfig(keys, valueSizes, workloads, repeats, dir, out, engines, seed, settleTimeout);
    }

    boolean runs(String workload) {
        return workloads.contains(workload);
    }

    private static List<String> split(String csv) {
        return new ArrayList<>(Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    private static List<String> checked(String flag, List<String> given, List<String> allowed) {
        for (String g : given) {
            if (!allowed.contains(g)) {
                throw new IllegalArgumentException(flag + ": unknown '" + g + "', want some of " + allowed);
            }
        }
        // Keep the canonical order whatever order the user typed.
        return allowed.stream().filter(given::contains).toList();
    }

    private static int positiveInt(String flag, String value) {
        int v;
        try {
            v = Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a number: " + value);
        }
        if (v <= 0) {
            throw new IllegalArgumentException(flag + " must be > 0, got " + v);
        }
        return v;
    }
}
