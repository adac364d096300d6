package io.nokv.node.mvcc;

import io.nokv.engine.WriteBatch;

import java.util.List;

/**
 * The outcome of a write command: per-key errors, and the batch to apply (together with the
 * region's applied index). When {@code errors} is non-empty the batch is empty: a command applies
 * whole or not at all.
 */
public record WriteResult(List<KeyError> errors, WriteBatch batch) {

    public WriteResult {
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
