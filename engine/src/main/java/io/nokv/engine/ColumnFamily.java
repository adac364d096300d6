package io.nokv.engine;

/** The three column families every store has. The id is what the on-disk formats record. */
public enum ColumnFamily {
    DEFAULT(0, "default"),
    LOCK(1, "lock"),
    WRITE(2, "write");

    private final int id;
    private final String displayName;

    ColumnFamily(int id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    public int id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public static ColumnFamily fromId(int id) {
        for (ColumnFamily cf : values()) {
            if (cf.id == id) {
                return cf;
            }
        }
        throw new IllegalArgumentException("unknown column family id " + id);
    }

    public static ColumnFamily fromName(String name) {
        for (ColumnFamily cf : values()) {
            if (cf.displayName.equalsIgnoreCase(name)) {
                return cf;
            }
        }
        throw new IllegalArgumentException("unknown column family '" + name + "' (want default, lock or write)");
    }
}
