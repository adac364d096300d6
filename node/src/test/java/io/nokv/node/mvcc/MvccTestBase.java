package io.nokv.node.mvcc;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real engine in a temp dir, opened the way the node opens it, plus shorthands for the tests. */
abstract class MvccTestBase {

    static final long TTL = 3_000;
    static final long NOW = 1_000_000;

    @TempDir
    Path dir;
    DB db;
    MvccCommands cmds;
    MvccReader reader;

    @BeforeEach
    void open() {
        db = NoKV.open(Options.at(dir).keepVersionsUntilSafePoint(true));
        cmds = new MvccCommands(db);
        reader = cmds.reader();
    }

    @AfterEach
    void close() {
        db.close();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Applies a batch that must have succeeded. */
    void apply(WriteResult r) {
        assertTrue(r.ok(), () -> "unexpected errors: " + r.errors());
        db.write(r.batch());
    }

    /** Applies whatever the command produced and returns its errors. */
    List<KeyError> applyAny(WriteResult r) {
        db.write(r.batch());
        return r.errors();
    }

    void prewrite(long startTs, String primary, Mutation... ms) {
        apply(cmds.prewrite(List.of(ms), b(primary), startTs, TTL, 0, NOW));
    }

    void commit(long startTs, long commitTs, String... keys) {
        apply(cmds.commit(keys(keys), startTs, commitTs));
    }

    /** Prewrite + commit of puts in one go: key, value, key, value, ... */
    void put(long startTs, long commitTs, String... kvs) {
        Mutation[] ms = new Mutation[kvs.length / 2];
        String[] ks = new String[kvs.length / 2];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = Mutation.put(b(kvs[2 * i]), b(kvs[2 * i + 1]));
            ks[i] = kvs[2 * i];
        }
        prewrite(startTs, ks[0], ms);
        commit(startTs, commitTs, ks);
    }

    static List<byte[]> keys(String... ks) {
        return java.util.Arrays.stream(ks).map(MvccTestBase::b).toList();
    }

    String get(String key, long ts) {
        ReadResults.GetResult r = reader.get(b(key), ts);
        assertEquals(null, r.locked(), "unexpected lock");
        return s(r.value());
    }
}
