package io.nokv.node.cli;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;

import java.nio.file.Path;

/**
 * Child-process helper for the inspector tests: opens the store in args[0] (taking its lock),
 * writes 100 keys and flushes them to one L0 table, writes 7 more that stay in the WAL, reads
 * key042 five times, prints "ready" and holds the store open (rewriting STATS every 50 ms) until
 * its stdin closes.
 */
public final class HoldStoreWriting {
    public static void main(String[] args) throws Exception {
        try (DB db = NoKV.open(Options.at(Path.of(args[0])).statsFileIntervalMs(50).hotKeySampleEvery(1))) {
            for (int i = 0; i < 100; i++) {
                db.put(String.format("key%03d", i).getBytes(), "value".getBytes());
            }
            db.flush();
            for (int i = 0; i < 7; i++) {
                db.put(String.format("late%d", i).getBytes(), "value".getBytes());
            }
            for (int i = 0; i < 5; i++) {
                db.get("key042".getBytes());
            }
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our stdin (or dies)
            }
        }
    }
}
