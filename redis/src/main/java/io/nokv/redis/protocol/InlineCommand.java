package io.nokv.redis.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line into arguments the way redis-server's {@code sdssplitargs} does:
 * whitespace separates, "double quotes" allow escapes ({@code \n \r \t \b \a \\ \" \xHH}),
 * 'single quotes' allow only {@code \'}. An unbalanced quote is a protocol error.
 */
public final class InlineCommand {
    private InlineCommand() {
    }

    public static List<byte[]> split(String line) {
        // Netty decodes the line as UTF-8; re-encoding gives back the bytes the client sent for text.
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < b.length && isSpace(b[i])) {
                i++;
            }
            if (i >= b.length) {
                return args;
            }
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (i >= b.length) {
                    if (inDouble || inSingle) {
                        throw new ProtocolException("unbalanced quotes in request");
                    }
                    done = true;
                } else if (inDouble) {
                    if (b[i] == '\\' && i + 3 < b.length && b[i + 1] == 'x' && isHex(b[i + 2]) && isHex(b[i + 3])) {
                        cur.write(Character.digit(b[i + 2], 16) * 16 + Character.digit(b[i + 3], 16));
                        i += 3;
                    } else if (b[i] == '\\' && i + 1 < b.length) {
                        i++;
                        cur.write(switch (b[i]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> b[i];
                        });
                    } else if (b[i] == '"') {
                        if (i + 1 < b.length && !isSpace(b[i + 1])) {
                            throw new ProtocolException("unbalanced quotes in request");
                        }
                        done = true;
                    } else {
                        cur.write(b[i]);
                    }
                } else if (inSingle) {
                    if (b[i] == '\\' && i + 1 < b.length && b[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (b[i] == '\'') {
                        if (i + 1 < b.length && !isSpace(b[i + 1])) {
                            throw new ProtocolException("unbalanced quotes in request");
                        }
                        done = true;
                    } else {
                        cur.write(b[i]);
                    }
                } else if (isSpace(b[i])) {
                    done = true;
                } else if (b[i] == '"') {
                    inDouble = true;
                } else if (b[i] == '\'') {
                    inSingle = true;
                } else {
                    cur.write(b[i]);
                }
                if (i < b.length) {
                    i++;
                }
            }
            args.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return Character.digit(c, 16) >= 0;
    }
}
