package io.nokv.redis.commands;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;

/**
 * Numbers in arguments and values, parsed as strictly as redis-server does ({@code string2ll}: no
 * spaces, no '+', no leading zeros, no "-0"; floats without spaces, NaN or infinity).
 */
public final class Numbers {
    private static final MathContext FLOAT_DIGITS = new MathContext(17);

    private Numbers() {
    }

    /** The integer, or null when {@code b} is not exactly a 64-bit decimal integer. */
    public static Long parseLong(byte[] b) {
        if (b.length == 0 || b.length > 20) {
            return null;
        }
        if (b.length == 1 && b[0] == '0') {
            return 0L;
        }
        int i = 0;
        boolean negative = b[0] == '-';
        if (negative) {
            i = 1;
            if (b.length == 1) {
                return null;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return null;
        }
        long v = 0; // accumulated negatively so Long.MIN_VALUE parses
        for (; i < b.length; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return null;
            }
            return -v;
        }
        return v;
    }

    /** As {@link #parseLong}, failing with redis-server's error. */
    public static long requireLong(byte[] b) {
        Long v = parseLong(b);
        if (v == null) {
            throw new RedisError(RedisError.NOT_INTEGER);
        }
        return v;
    }

    /** A decimal float as INCRBYFLOAT reads it, exactly (no rounding until the result is printed). */
    public static BigDecimal parseDecimal(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return null;
        }
        try {
            return new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Redis's float output: 17 significant digits, no trailing zeros, no exponent for ordinary magnitudes. */
    public static String formatDecimal(BigDecimal v) {
        BigDecimal r = v.round(FLOAT_DIGITS).stripTrailingZeros();
        if (r.signum() == 0) {
            return "0";
        }
        return r.toPlainString();
    }

    public static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.ISO_8859_1);
    }
}
