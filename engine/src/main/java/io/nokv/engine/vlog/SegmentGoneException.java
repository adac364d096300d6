package io.nokv.engine.vlog;

import io.nokv.engine.NoKVException;

/**
 * The pointer names a segment GC has deleted: the reader looked up the key before GC moved the
 * value (and switched the pointer), so looking it up again finds the new place.
 */
public final class SegmentGoneException extends NoKVException {
    public SegmentGoneException(String message) {
        super(message);
    }
}
