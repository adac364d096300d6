package io.nokv.tso;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Hands out strictly increasing timestamps that never repeat, across restarts and kill -9.
 *
 * <p>Invariant: every timestamp handed out is below the limit on disk. Before a range would
 * cross the limit, a new limit (range end + window) is made durable; at start the oracle resumes
 * at the persisted limit. A restart therefore skips at most one window, never goes back.
 */
public final class TimestampOracle {
    /** Largest batch one request may take; documented in the README and {@code --help}. */
    public static final int MAX_BATCH = 1_000_000;

    private final HighWaterMarkFile limitFile;
    private final long window;
    private long next;
    private long limit;

    /**
     * @param start  the first timestamp a brand-new oracle hands out (>= 1)
     * @param window how many timestamps each durable limit write reserves ahead (>= 1)
     */
    public TimestampOracle(Path dataDir, long start, long window) throws IOException {
        if (start < 1) {
            throw new IllegalArgumentException("start must be >= 1, got " + start);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        this.limitFile = new HighWaterMarkFile(dataDir);
        this.window = window;
        long persisted = limitFile.load();
        this.next = Math.max(start, persisted);
        this.limit = next;
        if (next > Long.MAX_VALUE - window) {
            // next + window would wrap to a negative limit, persisted, and refused by every later start.
            throw new IllegalArgumentException("start " + next + (persisted > start ? " (the persisted limit)" : "")
                    + " + window " + window + " overflows a 64-bit timestamp; choose a smaller --start or --window");
        }
        extendLimit(next + window);
    }

    /** Reserves {@code count} consecutive timestamps and returns the first. */
    public synchronized long allocate(int count) {
        if (count < 1 || count > MAX_BATCH) {
            throw new IllegalArgumentException("batch must be between 1 and " + MAX_BATCH + ", got " + count);
        }
        long first = next;
        long end = Math.addExact(first, count);
        if (end > limit) {
            extendLimit(Math.addExact(end, window));
        }
        next = end;
        return first;
    }

    /** The next timestamp that would be handed out. */
    public synchronized long peekNext() {
        return next;
    }

    public Path limitFile() {
        return limitFile.path();
    }

    private void extendLimit(long newLimit) {
        try {
            limitFile.store(newLimit);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist TSO limit to " + limitFile.path() + ": " + e.getMessage(), e);
        }
        limit = newLimit;
    }
}
