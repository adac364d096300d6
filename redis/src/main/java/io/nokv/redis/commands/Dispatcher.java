package io.nokv.redis.commands;

import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.nokv.redis.keyspace.StoreUnavailableException;
import io.nokv.redis.protocol.Replies;
import io.nokv.redis.protocol.Request;

/**
 * Runs one request: finds the command, checks arity and authentication, executes it, and turns
 * every failure into the error reply redis-server would send. Never throws.
 */
public final class Dispatcher {
    private final Gateway gateway;

    public Dispatcher(Gateway gateway) {
        this.gateway = gateway;
    }

    public Gateway gateway() {
        return gateway;
    }

    public RedisMessage execute(Session session, Request request) {
        String name = request.name();
        CommandSpec spec = gateway.commands().find(name);
        RedisMessage reply;
        if (spec == null) {
            reply = Replies.error(unknownCommand(request));
        } else if (gateway.password() != null && !session.authenticated() && !spec.allowedWithoutAuth()) {
            reply = Replies.error("NOAUTH Authentication required.");
        } else if (!spec.arityAccepts(request.size())) {
            reply = Replies.error(RedisError.arity(name).getMessage());
        } else {
            reply = run(spec, new Call(request, session, gateway));
        }
        gateway.stats().command(spec == null ? "unknown" : name, reply instanceof ErrorRedisMessage);
        return reply;
    }

    private static RedisMessage run(CommandSpec spec, Call call) {
        try {
            return spec.handler().run(call);
        } catch (RedisError e) {
            return Replies.error(e.getMessage());
        } catch (StoreUnavailableException e) {
            return Replies.error((e.retryable() ? "TRYAGAIN " : "ERR ") + e.getMessage());
        } catch (IllegalArgumentException e) {
            // the store refused the input (e.g. an empty key in cluster mode)
            return Replies.error("ERR " + e.getMessage());
        }
    }

    /** redis-server 7's wording, including the first arguments. */
    static String unknownCommand(Request request) {
        StringBuilder sb = new StringBuilder("ERR unknown command '").append(clip(request.text(0), 128))
                .append("', with args beginning with: ");
        for (int i = 1; i < request.size() && sb.length() < 256; i++) {
            sb.append('\'').append(clip(request.text(i), 128)).append("' ");
        }
        return sb.toString();
    }

    private static String clip(String s, int max) {
        String t = s.length() > max ? s.substring(0, max) : s;
        return t.replace('\r', ' ').replace('\n', ' '); // an error reply is one line
    }
}
