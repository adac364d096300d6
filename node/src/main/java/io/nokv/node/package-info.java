/**
 * The store process: multi-Raft regions over the shared engine, the KV service, and the
 * {@code nokv} / {@code nokv-config} tools. Built in a later step; the module exists so the
 * layout and the build are in place.
 */
package io.nokv.node;
