package io.nokv.node.cli;

import java.util.Locale;

/** {@code --format} of the nokv-config listing commands. */
enum OutputFormat {
    SIMPLE,
    JSON;

    /** Case-insensitive, as the Go tool; anything else is an error naming the value. */
    static OutputFormat parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "simple" -> SIMPLE;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("unknown format \"" + text + "\" (want simple or json)");
        };
    }
}
