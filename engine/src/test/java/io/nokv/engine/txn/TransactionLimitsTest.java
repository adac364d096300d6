package io.nokv.engine.txn;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.nokv.engine.txn.TransactionIsolationTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionLimitsTest {
    @TempDir
    Path tmp;

    @Test
    void defaultLimitsFitRealTransactions() {
        TxnOptions d = TxnOptions.defaults();
        assertEquals(100_000, d.maxEntries());
        assertEquals(64L << 20, d.maxBytes());
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            byte[] value = new byte[100];
            db.update(t -> {
                for (int i = 0; i < 20_000; i++) {
                    t.put(b("key-" + i), value);
                }
            });
            assertArrayEquals(value, db.get(b("key-19999")));
        }
    }

    @Test
    void tooManyEntriesFailsClearlyAndTheTransactionStaysUsable() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            db.transactions().options(TxnOptions.defaults().maxEntries(3));
            Transaction t = db.newTransaction(true);
            t.put(b("a"), b("1"));
            t.put(b("b"), b("1"));
            t.delete(b("c"));
            t.put(b("a"), b("2")); // overwriting an own write adds no entry
            TransactionTooLargeException e = assertThrows(TransactionTooLargeException.class, () -> t.put(b("d"), b("1")));
            assertTrue(e.getMessage().contains("maxEntries = 3"), e.getMessage());
            assertNull(t.get(b("d")), "the rejected write was not applied");
            t.commit();
            assertArrayEquals(b("2"), db.get(b("a")));
            assertNull(db.get(b("d")));
        }
    }

    @Test
    void tooManyBytesFailsClearly() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            db.transactions().options(TxnOptions.defaults().maxBytes(1000));
            try (Transaction t = db.newTransaction(true)) {
                t.put(b("small"), new byte[500]);
                TransactionTooLargeException e = assertThrows(TransactionTooLargeException.class,
                        () -> t.put(b("big"), new byte[500]));
                assertTrue(e.getMessage().contains("maxBytes = 1000"), e.getMessage());
                t.put(b("small"), new byte[900]); // replacing frees the old value's bytes
            }
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TxnOptions.defaults().maxEntries(0).validate());
        assertThrows(IllegalArgumentException.class, () -> TxnOptions.defaults().maxBytes(-1).validate());
    }
}
