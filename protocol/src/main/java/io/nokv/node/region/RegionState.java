package io.nokv.node.region;

import java.util.Locale;

/**
 * Life cycle of a region replica on a store: NEW → RUNNING → REMOVING → TOMBSTONE, plus
 * RUNNING → TOMBSTONE directly and staying in the same state; any other move is refused (as in the
 * Go raftstore). The codes are part of the persisted encoding and never change.
 */
public enum RegionState {
    NEW(0),
    RUNNING(1),
    REMOVING(2),
    TOMBSTONE(3);

    private final int code;

    RegionState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RegionState ofCode(int code) {
        for (RegionState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown region state code " + code);
    }

    /** Parses {@code new|running|removing|tombstone} (any case); anything else is an error naming the value. */
    public static RegionState parse(String text) {
        for (RegionState s : values()) {
            if (s.displayName().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown region state \"" + text + "\" (want new, running, removing or tombstone)");
    }

    public boolean canBecome(RegionState next) {
        return next == this
                || (this == NEW && next == RUNNING)
                || (this == RUNNING && (next == REMOVING || next == TOMBSTONE))
                || (this == REMOVING && next == TOMBSTONE);
    }

    /** Lower-case name, as printed by the tools. */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
