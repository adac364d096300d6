package io.nokv.node.config;

/**
 * A {@code host:port} address as written in the configuration and on command lines
 * ({@code [v6]:port} for IPv6). The host must be non-empty and the port in 1..65535; only an address
 * to listen on may have port 0, "any free port" ({@link #parseBindable}).
 */
public record HostPort(String host, int port) {
    /** The longest DNS name (RFC 1035); an IPv6 literal in brackets is shorter. */
    static final int MAX_HOST_CHARS = 253;

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new ConfigException("port " + port + " of " + host + " is outside 0..65535");
        }
    }

    /** Parses {@code value}; {@code what} names the field in the error (e.g. {@code stores[0].addr}). */
    public static HostPort parse(String what, String value) {
        return parse(what, value, 1);
    }

    /** As {@link #parse}, but port 0 is allowed: an address a server binds, letting the system pick the port. */
    public static HostPort parseBindable(String what, String value) {
        return parse(what, value, 0);
    }

    private static HostPort parse(String what, String value, int minPort) {
        if (value == null) {
            throw new ConfigException(what + " is missing (want host:port)");
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(what + " \"" + value + "\" is not host:port");
        }
        String host = value.substring(0, colon);
        if (host.length() > MAX_HOST_CHARS) {
            throw new ConfigException(what + " has a host of " + host.length() + " characters; a host name has at most "
                    + MAX_HOST_CHARS);
        }
        String portText = value.substring(colon + 1);
        boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        if (host.chars().anyMatch(Character::isWhitespace) || (!bracketed && host.contains(":"))) {
            throw new ConfigException(what + " \"" + value + "\" is not host:port (bad host \"" + host + "\")");
        }
        if (!portText.chars().allMatch(c -> c >= '0' && c <= '9') || portText.length() > 5) {
            throw new ConfigException(what + " \"" + value + "\" has a bad port \"" + portText + "\"");
        }
        int port = Integer.parseInt(portText);
        if (port < minPort || port > 65535) {
            throw new ConfigException(what + " \"" + value + "\": port " + port + " is outside " + minPort + "..65535");
        }
        return new HostPort(host, port);
    }

    /** The same host with the port moved by {@code delta}. */
    public HostPort offset(String what, int delta) {
        int moved = port + delta;
        if (moved < 1 || moved > 65535) {
            throw new ConfigException(what + ": port " + port + " + " + delta + " = " + moved + " is outside 1..65535");
        }
        return new HostPort(host, moved);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
