package io.nokv.redis.commands;

/**
 * Turns the expiry arguments of SET, GETEX, SETEX, EXPIRE and friends into an absolute Unix
 * millisecond, with redis-server's checks and error texts.
 */
final class ExpiryTime {
    enum Unit {
        SECONDS, MILLISECONDS, UNIX_SECONDS, UNIX_MILLISECONDS;

        static Unit ofOption(String option) {
            return switch (option) {
                case "EX" -> SECONDS;
                case "PX" -> MILLISECONDS;
                case "EXAT" -> UNIX_SECONDS;
                case "PXAT" -> UNIX_MILLISECONDS;
                default -> null;
            };
        }
    }

    private ExpiryTime() {
    }

    /**
     * For SET/GETEX/SETEX/PSETEX: the value must be a positive integer.
     * @return the expiry as Unix ms (may be in the past for EXAT/PXAT: the key then expires at once)
     */
    static long positive(byte[] value, Unit unit, long nowMs, String command) {
        long v = Numbers.requireLong(value);
        if (v <= 0) {
            throw RedisError.invalidExpire(command);
        }
        return absolute(v, unit, nowMs, command);
    }

    /** For EXPIRE and friends: any integer; at or before now means "delete the key". */
    static long absolute(long v, Unit unit, long nowMs, String command) {
        try {
            return switch (unit) {
                case SECONDS -> Math.addExact(Math.multiplyExact(v, 1000L), nowMs);
                case MILLISECONDS -> Math.addExact(v, nowMs);
                case UNIX_SECONDS -> Math.multiplyExact(v, 1000L);
                case UNIX_MILLISECONDS -> v;
            };
        } catch (ArithmeticException e) {
            throw RedisError.invalidExpire(command);
        }
    }
}
