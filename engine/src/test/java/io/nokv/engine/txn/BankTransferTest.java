package io.nokv.engine.txn;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.nokv.engine.txn.TransactionIsolationTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classic serializability check: concurrent transfers between accounts never create or lose money. */
class BankTransferTest {
    private static final int ACCOUNTS = 10;
    private static final long INITIAL = 1_000;
    private static final int THREADS = 4;
    private static final int TRANSFERS_PER_THREAD = 500;

    @TempDir
    Path tmp;

    static byte[] account(int i) {
        return b("acct-" + i);
    }

    static byte[] amount(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long amount(byte[] v) {
        return ByteBuffer.wrap(v).getLong();
    }

    @Test
    void concurrentTransfersPreserveTheTotal() throws Exception {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")).memtableBytes(64 << 10))) {
            db.update(t -> {
                for (int i = 0; i < ACCOUNTS; i++) {
                    t.put(account(i), amount(INITIAL));
                }
            });
            AtomicLong retries = new AtomicLong();
            AtomicLong inconsistentViews = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < THREADS; w++) {
                long seed = w;
                Thread th = new Thread(() -> {
                    Random rnd = new Random(seed);
                    try {
                        for (int n = 0; n < TRANSFERS_PER_THREAD; n++) {
                            int from = rnd.nextInt(ACCOUNTS);
                            int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                            long sum = rnd.nextInt(50);
                            while (true) {
                                try {
                                    db.update(t -> {
                                        long a = amount(t.get(account(from)));
                                        long c = amount(t.get(account(to)));
                                        t.put(account(from), amount(a - sum));
                                        t.put(account(to), amount(c + sum));
                                    });
                                    break;
                                } catch (ConflictException e) {
                                    retries.incrementAndGet();
                                }
                            }
                            if (n % 25 == 0 && total(db) != ACCOUNTS * INITIAL) {
                                inconsistentViews.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(ACCOUNTS * INITIAL, total(db));
            assertEquals(0, inconsistentViews.get(), "every snapshot taken during the run balanced");
            assertEquals(THREADS * TRANSFERS_PER_THREAD + 1, db.transactions().commits());
            assertEquals(retries.get(), db.transactions().conflicts());
            assertTrue(retries.get() > 0, "4 threads over 10 accounts must collide sometimes; else the test proves nothing");
            assertEquals(0, db.transactions().conflictWindowSize());
        }
    }

    private static long total(DB db) {
        long[] sum = {0};
        db.view(t -> {
            for (int i = 0; i < ACCOUNTS; i++) {
                sum[0] += amount(t.get(account(i)));
            }
        });
        return sum[0];
    }
}
