package io.nokv.engine;

/** Entry point: {@code try (DB db = NoKV.open(Options.at(dir))) { ... }}. */
public final class NoKV {
    private NoKV() {
    }

    /**
     * Opens (creating if needed) the store in {@code options.dir()}, recovering from whatever a crash
     * left behind. Fails with a clear message if another process holds the directory.
     */
    public static DB open(Options options) {
        return io.nokv.engine.db.StoreOpener.open(options);
    }
}
