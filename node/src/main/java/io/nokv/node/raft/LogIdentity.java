package io.nokv.node.raft;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.VersionedValue;
import io.nokv.engine.WriteBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Ties a region's applied index in the engine to the Raft log it counts entries of. The engine
 * skips log entries at or below its applied index; if the Raft storage is lost and Ratis formats a
 * new, empty log, new entries get those old indexes again and would be acknowledged without ever
 * being applied. So each Raft log gets a random epoch, kept in a file in the group's storage
 * directory and, beside the applied index, in the engine; a replica whose two epochs differ (or
 * whose log is new while the engine has applied entries of an older one) refuses to start.
 */
final class LogIdentity {
    static final String FILE = "nokv-log-epoch";
    private static final SecureRandom RANDOM = new SecureRandom();

    private LogIdentity() {
    }

    /** {@code \xff\xffnokv/log-epoch/<regionId>}: the epoch of the log the applied index counts in (8 bytes). */
    static byte[] engineKey(long regionId) {
        return ReservedKeys.reserved("log-epoch/" + regionId);
    }

    /**
     * Checks (and on first use records) that the log in {@code groupDir} is the one the engine's
     * applied index for {@code regionId} refers to.
     *
     * @param engineApplied the engine's applied index of the region, -1 when it applied nothing
     * @throws IOException naming both sides and the recovery procedure on a mismatch
     */
    static void verify(long regionId, DB db, Path groupDir, long engineApplied) throws IOException {
        Path file = groupDir.resolve(FILE);
        Long logEpoch = readFile(file);
        VersionedValue stored = db.getVersioned(ColumnFamily.DEFAULT, engineKey(regionId), Long.MAX_VALUE - 1);
        Long engineEpoch = stored == null || stored.value().length != 8 ? null : ByteBuffer.wrap(stored.value()).getLong();
        if (logEpoch == null) {
            if (engineEpoch != null && engineApplied >= 0) {
                throw lost(regionId, groupDir, engineApplied, "the Raft log in " + groupDir + " is new (it has no "
                        + FILE + ") but the engine applied entries up to index " + engineApplied
                        + " of log epoch " + Long.toHexString(engineEpoch));
            }
            // A new log, or one from before epochs existed: it becomes the engine's log from here on.
            long epoch = engineEpoch != null ? engineEpoch : RANDOM.nextLong();
            writeFile(file, epoch);
            logEpoch = epoch;
        } else if (engineEpoch != null && !engineEpoch.equals(logEpoch)) {
            throw lost(regionId, groupDir, engineApplied, "the Raft log in " + groupDir + " has epoch "
                    + Long.toHexString(logEpoch) + " but the engine's applied index " + engineApplied
                    + " counts entries of log epoch " + Long.toHexString(engineEpoch));
        }
        if (engineEpoch == null) {
            // Written once, at a fixed version like the applied index's own (versioned at its index).
            db.write(new WriteBatch().put(ColumnFamily.DEFAULT, engineKey(regionId), 1,
                    ByteBuffer.allocate(8).putLong(logEpoch).array()));
        }
    }

    private static IOException lost(long regionId, Path groupDir, long engineApplied, String what) {
        return new IOException("region " + regionId + ": " + what + ". The Raft log this replica applied from was lost or"
                + " replaced; starting would acknowledge new entries at indexes up to " + engineApplied
                + " without applying them. Recovery: stop this store, move its whole store directory (engine and raft/)"
                + " aside, seed it again from the cluster config and start it; then move the region's leadership once"
                + " (TransferLeader, or restart the leader's store) so the leader resends its log or a snapshot from"
                + " the start (a Raft leader never moves a follower back below what it once acknowledged)");
    }

    private static Long readFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseUnsignedLong(text, 16);
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold a log epoch (it holds \""
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\")");
        }
    }

    /** Written to a temp file, fsynced, renamed into place, directory fsynced: it never exists half-written. */
    private static void writeFile(Path file, long epoch) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((Long.toHexString(epoch) + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
