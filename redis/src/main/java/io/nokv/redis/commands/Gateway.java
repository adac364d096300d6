package io.nokv.redis.commands;

import io.nokv.redis.keyspace.Keyspace;
import io.nokv.redis.metrics.GatewayStats;

/**
 * What commands see of the whole gateway: the keyspace, the counters, the command table, the SCAN
 * cursors, and the settings INFO and AUTH report on.
 *
 * @param password   the {@code --requirepass} secret, or null when AUTH is off
 * @param mode       "embedded" or "cluster", for INFO
 */
public record Gateway(Keyspace keyspace, GatewayStats stats, CommandTable commands, ScanCursors cursors,
                      byte[] password, int maxClients, int port, String mode) {
}
