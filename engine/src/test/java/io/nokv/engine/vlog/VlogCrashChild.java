package io.nokv.engine.vlog;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;

import java.nio.file.Path;

/**
 * The child process of {@link VlogCrashTest}. {@code write <dir> <first id>}: synced writes of
 * large and small values (op {@code id} writes {@link #valueOf}) with background GC running every
 * few milliseconds, printing {@code ack <id>} after each returns, until killed.
 * {@code gc <dir>}: runs GC passes until {@code -Dnokv.crashAt} halts the process (exit 77).
 */
public final class VlogCrashChild {
    static final int KEYS = 150;

    private VlogCrashChild() {
    }

    static Options options(Path dir, long gcIntervalMillis) {
        return VlogTestSupport.options(dir).syncWrites(true).vlogSegmentBytes(32 << 10).memtableBytes(32 << 10)
                .vlogGcIntervalMillis(gcIntervalMillis).vlogGcThreshold(0.3);
    }

    static int keyOf(long id) {
        return (int) (id * 7919 % KEYS);
    }

    /** Null: op {@code id} is a delete. */
    static byte[] valueOf(long id) {
        if (id % 11 == 0) {
            return null;
        }
        return VlogTestSupport.value(keyOf(id), (int) id, id % 3 != 0);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("write")) {
            long id = Long.parseLong(args[2]);
            try (DB db = NoKV.open(options(dir, 5))) {
                System.out.println("opened");
                System.out.flush();
                for (; ; id++) {
                    byte[] v = valueOf(id);
                    if (v == null) {
                        db.delete(VlogTestSupport.key(keyOf(id)));
                    } else {
                        db.put(VlogTestSupport.key(keyOf(id)), v);
                    }
                    System.out.println("ack " + id);
                }
            }
        }
        try (DB db = NoKV.open(options(dir, 0))) {
            for (int i = 0; i < 100; i++) {
                if (db.runValueLogGc().segment() < 0) {
                    break;
                }
            }
        }
        System.err.println("VlogCrashChild: GC finished without reaching " + System.getProperty("nokv.crashAt"));
        Runtime.getRuntime().halt(3);
    }
}
