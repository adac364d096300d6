/**
 * The store process and its tools: multi-Raft regions over the shared engine
 * ({@code io.nokv.node.raft}, {@code .region}), Percolator transactions ({@code .mvcc}), the gRPC
 * KV service ({@code .kv}), the cluster config ({@code .config}), the {@code nokv} and
 * {@code nokv-config} binaries ({@code .cli}) and what the helper scripts stand on
 * ({@code .local}). The map of the modules: {@code docs/architecture.md}.
 */
package io.nokv.node;
