package io.nokv.redis.commands;

import io.netty.handler.codec.redis.RedisMessage;
import io.nokv.redis.protocol.Replies;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** PING ECHO QUIT SELECT AUTH HELLO CLIENT: the connection's own state. */
final class ConnectionCommands {
    /** What HELLO and INFO report as the server version: the redis-server release whose replies we follow. */
    static final String REDIS_VERSION = "7.0.15";

    private ConnectionCommands() {
    }

    static void register(CommandTable t) {
        t.add("ping", -1, "fast", 0, 0, 0, ConnectionCommands::ping);
        t.add("echo", 2, "fast", 0, 0, 0, c -> Replies.bulk(c.arg(1)));
        t.add("quit", -1, "no-auth fast", 0, 0, 0, ConnectionCommands::quit);
        t.add("select", 2, "fast", 0, 0, 0, ConnectionCommands::select);
        t.add("auth", -2, "no-auth fast", 0, 0, 0, ConnectionCommands::auth);
        t.add("hello", -1, "no-auth fast", 0, 0, 0, ConnectionCommands::hello);
        t.add("client", -2, "", 0, 0, 0, ConnectionCommands::client);
    }

    private static RedisMessage ping(Call c) {
        if (c.argc() > 2) {
            throw RedisError.arity("ping");
        }
        return c.argc() == 2 ? Replies.bulk(c.arg(1)) : Replies.PONG;
    }

    private static RedisMessage quit(Call c) {
        c.session().closeAfterReply(true);
        return Replies.OK;
    }

    private static RedisMessage select(Call c) {
        long db = c.longArg(1);
        if (db != 0) {
            throw new RedisError("ERR DB index is out of range");
        }
        return Replies.OK;
    }

    private static RedisMessage auth(Call c) {
        if (c.argc() > 3) {
            throw RedisError.syntax();
        }
        byte[] user = c.argc() == 3 ? c.arg(1) : null;
        byte[] pass = c.arg(c.argc() - 1);
        authenticate(c, user, pass);
        return Replies.OK;
    }

    /** AUTH [user] pass, as redis-server's default user: user must be "default" when given. */
    private static void authenticate(Call c, byte[] user, byte[] pass) {
        byte[] expected = c.gateway().password();
        if (expected == null) {
            if (user == null) {
                throw new RedisError("ERR AUTH <password> called without any password configured for the default user. "
                        + "Are you sure your configuration is correct?");
            }
            if ("default".equals(new String(user, StandardCharsets.ISO_8859_1))) {
                c.session().authenticated(true); // redis-server: the default user with nopass accepts any password
                return;
            }
            throw new RedisError("WRONGPASS invalid username-password pair or user is disabled.");
        }
        boolean userOk = user == null || MessageDigest.isEqual(user, "default".getBytes(StandardCharsets.ISO_8859_1));
        // MessageDigest.isEqual compares in time independent of where the bytes differ
        boolean passOk = MessageDigest.isEqual(pass, expected);
        if (!(userOk & passOk)) {
            c.session().authenticated(false);
            throw new RedisError("WRONGPASS invalid username-password pair or user is disabled.");
        }
        c.session().authenticated(true);
    }

    private static RedisMessage hello(Call c) {
        int i = 1;
        if (c.argc() >= 2) {
            Long proto = Numbers.parseLong(c.arg(1));
            if (proto == null) {
                throw new RedisError("ERR Protocol version is not an integer or out of range");
            }
            if (proto != 2) {
                throw new RedisError("NOPROTO unsupported protocol version");
            }
            i = 2;
        }
        byte[] name = null;
        for (; i < c.argc(); i++) {
            String opt = c.option(i);
            if (opt.equals("AUTH") && i + 2 < c.argc()) {
                authenticate(c, c.arg(i + 1), c.arg(i + 2));
                i += 2;
            } else if (opt.equals("SETNAME") && i + 1 < c.argc()) {
                name = checkName(c.arg(i + 1));
                i += 1;
            } else {
                throw new RedisError("ERR Syntax error in HELLO option '" + new String(c.arg(i), StandardCharsets.ISO_8859_1) + "'");
            }
        }
        if (c.gateway().password() != null && !c.session().authenticated()) {
            throw new RedisError("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
        }
        if (name != null) {
            c.session().name(name.length == 0 ? null : name);
        }
        List<RedisMessage> out = new ArrayList<>();
        out.add(Replies.bulk("server"));
        out.add(Replies.bulk("redis"));
        out.add(Replies.bulk("version"));
        out.add(Replies.bulk(REDIS_VERSION));
        out.add(Replies.bulk("proto"));
        out.add(Replies.integer(2));
        out.add(Replies.bulk("id"));
        out.add(Replies.integer(c.session().id()));
        out.add(Replies.bulk("mode"));
        out.add(Replies.bulk("standalone"));
        out.add(Replies.bulk("role"));
        out.add(Replies.bulk("master"));
        out.add(Replies.bulk("modules"));
        out.add(Replies.EMPTY_ARRAY);
        return Replies.array(out);
    }

    private static RedisMessage client(Call c) {
        String sub = c.option(1);
        switch (sub) {
            case "ID" -> {
                requireArgs(c, 2);
                return Replies.integer(c.session().id());
            }
            case "GETNAME" -> {
                requireArgs(c, 2);
                return Replies.bulk(c.session().name());
            }
            case "SETNAME" -> {
                requireArgs(c, 3);
                byte[] name = checkName(c.arg(2));
                c.session().name(name.length == 0 ? null : name);
                return Replies.OK;
            }
            case "SETINFO" -> {
                // client libraries announce themselves (Jedis, redis-py); accepted and not kept
                requireArgs(c, 4);
                String attr = c.option(2);
                if (!attr.equals("LIB-NAME") && !attr.equals("LIB-VER")) {
                    throw new RedisError("ERR Unrecognized option '" + new String(c.arg(2), StandardCharsets.ISO_8859_1) + "'");
                }
                return Replies.OK;
            }
            default -> throw new RedisError("ERR unknown subcommand '" + new String(c.arg(1), StandardCharsets.ISO_8859_1)
                    + "'. Try CLIENT HELP.");
        }
    }

    private static void requireArgs(Call c, int n) {
        if (c.argc() != n) {
            throw new RedisError("ERR unknown subcommand or wrong number of arguments for '"
                    + new String(c.arg(1), StandardCharsets.ISO_8859_1) + "'. Try CLIENT HELP.");
        }
    }

    private static byte[] checkName(byte[] name) {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                throw new RedisError("ERR Client names cannot contain spaces, newlines or special characters.");
            }
        }
        return name;
    }
}
