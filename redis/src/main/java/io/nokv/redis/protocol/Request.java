package io.nokv.redis.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** One command as the client sent it: the name first, then its arguments, all binary-safe. */
public record Request(List<byte[]> args) {
    /** The command name, lower case (command names are case-insensitive). */
    public String name() {
        return new String(args.get(0), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    public int size() {
        return args.size();
    }

    public byte[] arg(int i) {
        return args.get(i);
    }

    /** Argument {@code i} as text (ISO-8859-1: every byte maps to one char, so nothing is lost). */
    public String text(int i) {
        return new String(args.get(i), StandardCharsets.ISO_8859_1);
    }
}
