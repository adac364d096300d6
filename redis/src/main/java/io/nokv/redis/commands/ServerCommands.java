package io.nokv.redis.commands;

import io.netty.handler.codec.redis.RedisMessage;
import io.nokv.redis.keyspace.KeyStore;
import io.nokv.redis.keyspace.Keyspace;
import io.nokv.redis.metrics.GatewayStats;
import io.nokv.redis.protocol.Replies;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** INFO DBSIZE COMMAND FLUSHDB FLUSHALL: the server as a whole. */
final class ServerCommands {
    /** Keys deleted per transaction by FLUSHDB (keeps each transaction well under the engine's limits). */
    static final int FLUSH_BATCH = 1000;

    private ServerCommands() {
    }

    static void register(CommandTable t) {
        t.add("info", -1, "", 0, 0, 0, ServerCommands::info);
        t.add("dbsize", 1, "readonly", 0, 0, 0, c -> Replies.integer(c.keyspace().count().keys()));
        t.add("command", -1, "", 0, 0, 0, ServerCommands::command);
        t.add("flushdb", -1, "write", 0, 0, 0, ServerCommands::flush);
        t.add("flushall", -1, "write", 0, 0, 0, ServerCommands::flush);
    }

    private static RedisMessage info(Call c) {
        Set<String> sections = new java.util.HashSet<>();
        for (int i = 1; i < c.argc(); i++) {
            sections.add(c.option(i).toLowerCase(Locale.ROOT));
        }
        boolean all = sections.isEmpty() || sections.contains("all") || sections.contains("default") || sections.contains("everything");
        GatewayStats s = c.gateway().stats();
        StringBuilder sb = new StringBuilder();
        if (all || sections.contains("server")) {
            long uptime = (System.currentTimeMillis() - s.startedAtMs()) / 1000;
            sb.append("# Server\r\n")
                    .append("redis_version:").append(ConnectionCommands.REDIS_VERSION).append("\r\n")
                    .append("redis_mode:standalone\r\n")
                    .append("nokv_mode:").append(c.gateway().mode()).append("\r\n")
                    .append("nokv_store:").append(c.keyspace().store().describe()).append("\r\n")
                    .append("process_id:").append(ProcessHandle.current().pid()).append("\r\n")
                    .append("tcp_port:").append(c.gateway().port()).append("\r\n")
                    .append("uptime_in_seconds:").append(uptime).append("\r\n")
                    .append("uptime_in_days:").append(uptime / 86400).append("\r\n\r\n");
        }
        if (all || sections.contains("clients")) {
            sb.append("# Clients\r\n")
                    .append("connected_clients:").append(s.connectionsActive()).append("\r\n")
                    .append("maxclients:").append(c.gateway().maxClients()).append("\r\n\r\n");
        }
        if (all || sections.contains("stats")) {
            sb.append("# Stats\r\n")
                    .append("total_connections_received:").append(s.connectionsAccepted()).append("\r\n")
                    .append("total_commands_processed:").append(s.commands()).append("\r\n")
                    .append("total_error_replies:").append(s.errors()).append("\r\n")
                    .append("rejected_connections:").append(s.connectionsRejected()).append("\r\n")
                    .append("expired_keys:").append(s.expiredKeys()).append("\r\n\r\n");
        }
        if (all || sections.contains("keyspace")) {
            Keyspace.Counts counts = c.keyspace().count();
            sb.append("# Keyspace\r\n");
            if (counts.keys() > 0) {
                sb.append("db0:keys=").append(counts.keys()).append(",expires=").append(counts.expiring()).append(",avg_ttl=0\r\n");
            }
        }
        return Replies.bulk(sb.toString());
    }

    private static RedisMessage command(Call c) {
        if (c.argc() == 1) {
            List<RedisMessage> out = new ArrayList<>();
            c.gateway().commands().all().forEach(spec -> out.add(describe(spec)));
            return Replies.array(out);
        }
        switch (c.option(1)) {
            case "COUNT" -> {
                return Replies.integer(c.gateway().commands().all().size());
            }
            case "DOCS" -> {
                return Replies.EMPTY_ARRAY; // no documentation is served; clients fall back to none
            }
            case "INFO" -> {
                List<RedisMessage> out = new ArrayList<>();
                for (int i = 2; i < c.argc(); i++) {
                    CommandSpec spec = c.gateway().commands().find(c.option(i).toLowerCase(Locale.ROOT));
                    out.add(spec == null ? Replies.NIL_ARRAY : describe(spec));
                }
                return Replies.array(out);
            }
            default -> throw new RedisError("ERR unknown subcommand '" + new String(c.arg(1), java.nio.charset.StandardCharsets.ISO_8859_1)
                    + "'. Try COMMAND HELP.");
        }
    }

    private static RedisMessage describe(CommandSpec spec) {
        List<RedisMessage> flags = new ArrayList<>();
        spec.flags().forEach(f -> flags.add(Replies.simple(f)));
        return Replies.array(List.of(Replies.bulk(spec.name()), Replies.integer(spec.arity()), Replies.array(flags),
                Replies.integer(spec.firstKey()), Replies.integer(spec.lastKey()), Replies.integer(spec.step())));
    }

    /** Deletes every key, a batch per transaction: not atomic as a whole (writes racing it may survive). */
    private static RedisMessage flush(Call c) {
        if (c.argc() > 2 || (c.argc() == 2 && !c.option(1).equals("ASYNC") && !c.option(1).equals("SYNC"))) {
            throw RedisError.syntax();
        }
        Keyspace ks = c.keyspace();
        byte[] from = new byte[0];
        while (true) {
            var pairs = ks.store().scan(from, FLUSH_BATCH);
            if (pairs.isEmpty()) {
                return Replies.OK;
            }
            ks.update(pairs.stream().map(KeyStore.Pair::key).toList(), txn -> {
                pairs.forEach(p -> txn.delete(p.key()));
                return null;
            });
            from = Keyspace.successor(pairs.get(pairs.size() - 1).key());
        }
    }
}
