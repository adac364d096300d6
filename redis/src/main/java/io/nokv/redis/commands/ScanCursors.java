package io.nokv.redis.commands;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SCAN cursors. Redis cursors are numbers, but our keys are ordered byte strings: a cursor number
 * names the key the next page starts at, remembered here for the most recent
 * {@value #REMEMBERED} pages (shared by all connections, so a cursor may move between them). An
 * unknown or forgotten cursor is an error rather than a silent restart.
 */
public final class ScanCursors {
    static final int REMEMBERED = 4096;

    private final AtomicLong next = new AtomicLong(1);
    private final Map<Long, byte[]> positions = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** A new cursor number for a page starting at {@code key}. */
    public synchronized long remember(byte[] key) {
        long id = next.getAndIncrement();
        positions.put(id, key);
        return id;
    }

    /** Where cursor {@code id} starts, or null when unknown. */
    public synchronized byte[] position(long id) {
        return positions.get(id);
    }
}
