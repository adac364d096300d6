package io.nokv.node.mvcc;

import io.nokv.node.config.Keys;

/**
 * One key of a prewrite. PUT carries a value; DELETE and LOCK carry none (LOCK only takes the lock,
 * for read-write conflict detection, and commits as a LOCK record that readers look through).
 * {@code assertNotExist} fails the prewrite with {@link KeyError.AlreadyExists} when a committed
 * value is visible for the key.
 */
public record Mutation(Op op, byte[] key, byte[] value, boolean assertNotExist) {

    public enum Op { PUT, DELETE, LOCK }

    public Mutation {
        if (op == null || key == null) {
            throw new IllegalArgumentException("mutation needs an op and a key");
        }
        if (op == Op.PUT && value == null) {
            throw new IllegalArgumentException("PUT mutation of key " + Keys.format(key) + " has no value");
        }
    }

    public static Mutation put(byte[] key, byte[] value) {
        return new Mutation(Op.PUT, key, value, false);
    }

    public static Mutation delete(byte[] key) {
        return new Mutation(Op.DELETE, key, null, false);
    }

    public static Mutation lock(byte[] key) {
        return new Mutation(Op.LOCK, key, null, false);
    }

    public Lock.Kind lockKind() {
        return switch (op) {
            case PUT -> Lock.Kind.PUT;
            case DELETE -> Lock.Kind.DELETE;
            case LOCK -> Lock.Kind.LOCK;
        };
    }
}
