package io.nokv.engine.db;

import io.nokv.engine.DB;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Keys and values the store tests write and check: {@code <prefix><i>} → {@code value-<prefix><i>}. */
final class StoreFixtures {
    private StoreFixtures() {
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void putRange(DB db, String prefix, int from, int to) {
        for (int i = from; i < to; i++) {
            db.put(b(prefix + i), b("value-" + prefix + i));
        }
    }

    static void assertRange(DB db, String prefix, int from, int to) {
        for (int i = from; i < to; i++) {
            assertArrayEquals(b("value-" + prefix + i), db.get(b(prefix + i)), prefix + i);
        }
    }
}
