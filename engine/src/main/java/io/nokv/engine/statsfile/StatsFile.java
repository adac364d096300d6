package io.nokv.engine.statsfile;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.NoKVException;
import io.nokv.engine.StatsSnapshot;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code <store dir>/STATS}: the live store's last {@link StatsSnapshot} as one JSON object, so that
 * offline tools ({@code nokv stats}) can show figures only a running store knows (cache hit rate,
 * stalls, per-column-family counters, hot keys) with their age. Written atomically (temp file,
 * rename; not fsynced: it is informational and rewritten soon), never read by the engine.
 *
 * <p>Format: {@code {"format":1,"written_at_ms":…,"pid":…,"stats":{…}}} where {@code stats} has one
 * member per {@link StatsSnapshot} component in snake_case, in declaration order; nested records
 * become objects, lists arrays, maps objects (keys as strings, sorted), column families their display name, byte arrays lowercase hex.
 * New components appear as new members; existing ones keep their names.
 */
public final class StatsFile {
    public static final String NAME = "STATS";
    private static final String TMP = "STATS.tmp";

    private StatsFile() {
    }

    public static void write(Path storeDir, StatsSnapshot stats, long nowMillis) {
        String json = "{\"format\":1,\"written_at_ms\":" + nowMillis + ",\"pid\":" + ProcessHandle.current().pid()
                + ",\"stats\":" + encode(stats) + "}\n";
        Path tmp = storeDir.resolve(TMP);
        try {
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, storeDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new NoKVException("cannot write " + storeDir.resolve(NAME) + ": " + e.getMessage(), e);
        }
    }

    /** The JSON form of any value a snapshot holds (records, lists, numbers, booleans, enums, byte arrays). */
    static String encode(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Double d) {
            out.append(d.isNaN() || d.isInfinite() ? "0" : d.toString());
        } else if (v instanceof Number || v instanceof Boolean) {
            out.append(v);
        } else if (v instanceof ColumnFamily cf) {
            string(out, cf.displayName());
        } else if (v instanceof Enum<?> e) {
            string(out, e.name());
        } else if (v instanceof byte[] b) {
            string(out, HexFormat.of().formatHex(b));
        } else if (v instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                append(out, list.get(i));
            }
            out.append(']');
        } else if (v instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                append(out, e.getValue());
            }
            out.append('}');
        } else if (v instanceof Record r) {
            out.append('{');
            RecordComponent[] components = r.getClass().getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(out, snakeCase(components[i].getName()));
                out.append(':');
                try {
                    append(out, components[i].getAccessor().invoke(r));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + components[i], e);
                }
            }
            out.append('}');
        } else {
            string(out, v.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    static String snakeCase(String camel) {
        StringBuilder s = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                s.append('_').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
