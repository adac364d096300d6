package io.nokv.engine.db;

import io.nokv.engine.StatsSnapshot;
import io.nokv.engine.statsfile.StatsFile;

import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Rewrites {@code STATS} every interval and once more at close (docs/engine.md, "Stats"). */
final class StatsFileWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StatsFileWriter.class.getName());

    private final Path dir;
    private final Supplier<StatsSnapshot> snapshot;
    private final ScheduledExecutorService timer;

    /** {@code intervalMs == 0}: off (nothing written, no thread). */
    StatsFileWriter(Path dir, long intervalMs, Supplier<StatsSnapshot> snapshot) {
        this.dir = dir;
        this.snapshot = snapshot;
        if (intervalMs == 0) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nokv-stats-file " + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::writeQuietly, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void writeQuietly() {
        try {
            StatsFile.write(dir, snapshot.get(), System.currentTimeMillis());
        } catch (RuntimeException e) {
            // informational only: a full disk or a closing store must not disturb the store itself
            LOG.log(System.Logger.Level.DEBUG, "not writing " + StatsFile.NAME + " in " + dir + ": " + e);
        }
    }

    /** Stops the timer and writes the final snapshot (call while the store's parts are still open). */
    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeQuietly();
    }
}
