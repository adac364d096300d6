package io.nokv.engine.db;

/**
 * Test hook: when the system property {@code nokv.crashAt} names a point, the process halts there
 * (as kill -9 would stop it), so crash tests can stop a child at an exact step of value-log GC.
 */
final class CrashPoints {
    /** GC values appended to the active segment; the WAL record switching the pointers not written. */
    static final String GC_AFTER_REWRITE = "gc-after-rewrite";
    /** Pointers switched (WAL + memtable); the segment not yet marked pending delete in the manifest. */
    static final String GC_AFTER_SWITCH = "gc-after-switch";
    /** Segment marked pending delete in the manifest; the file not yet deleted. */
    static final String GC_BEFORE_DELETE = "gc-before-delete";
    /** Segment file deleted; the manifest still lists it as pending delete. */
    static final String GC_AFTER_DELETE = "gc-after-delete";

    private static final String TARGET = System.getProperty("nokv.crashAt");

    private CrashPoints() {
    }

    static void hit(String point) {
        if (TARGET != null && TARGET.equals(point)) {
            System.err.println("nokv.crashAt: halting at " + point);
            Runtime.getRuntime().halt(77);
        }
    }
}
