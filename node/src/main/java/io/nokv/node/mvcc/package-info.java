/**
 * Percolator transactions over the engine's versioned column families (TinyKV 4A–4C, TiKV).
 *
 * <p>{@link io.nokv.node.mvcc.MvccReader} serves snapshot reads; {@link io.nokv.node.mvcc.MvccCommands}
 * turns each write command into one {@link io.nokv.engine.WriteBatch} without writing anything,
 * so a region's state machine can apply it together with its applied index. Commands assume they
 * are applied one at a time per region (the Raft apply loop guarantees it; regions are disjoint).
 * Storage layout and encodings: {@code docs/node.md}, section "MVCC / Percolator".
 */
package io.nokv.node.mvcc;
