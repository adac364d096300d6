package io.nokv.redis.commands;

/**
 * What the commands know about one client connection: its id (CLIENT ID), name, whether it has
 * authenticated, and whether it asked to be disconnected (QUIT). Used by one thread at a time
 * (the connection's command executor).
 */
public final class Session {
    private final long id;
    private final String address;
    private final long connectedAtMs;
    private boolean authenticated;
    private byte[] name;
    private boolean closeAfterReply;

    public Session(long id, String address, boolean authenticated, long connectedAtMs) {
        this.id = id;
        this.address = address;
        this.authenticated = authenticated;
        this.connectedAtMs = connectedAtMs;
    }

    public long id() {
        return id;
    }

    public String address() {
        return address;
    }

    public long connectedAtMs() {
        return connectedAtMs;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticated(boolean v) {
        authenticated = v;
    }

    public byte[] name() {
        return name;
    }

    public void name(byte[] v) {
        name = v;
    }

    /** Set by QUIT: the connection closes once this reply is written. */
    public boolean closeAfterReply() {
        return closeAfterReply;
    }

    public void closeAfterReply(boolean v) {
        closeAfterReply = v;
    }
}
