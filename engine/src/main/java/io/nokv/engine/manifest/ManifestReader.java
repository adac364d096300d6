package io.nokv.engine.manifest;

import io.nokv.engine.NoKVException;
import io.nokv.engine.record.RecordFormat;
import io.nokv.engine.record.RecordScanner;

import java.nio.file.Files;
import java.nio.file.Path;

/** Rebuilds a {@link ManifestState} from one manifest log, edit by edit. */
final class ManifestReader {
    static final byte RECORD_EDIT = 1;

    /** The state the log's intact edits produce, and where they end (a torn tail is not applied). */
    record Loaded(ManifestState state, RecordScanner.Result scan, long snapshotBytes) {
    }

    private ManifestReader() {
    }

    /** Reads {@code dir/name}, which CURRENT named. */
    static Loaded load(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoKVException(dir.resolve(ManifestFiles.CURRENT) + " names " + name + " but " + file + " does not exist");
        }
        ManifestState[] state = {ManifestState.empty(name)};
        long[] edits = {0};
        long[] snapshotBytes = {0};
        RecordScanner.Result scan = RecordScanner.scan(file, "manifest edit",
                // Every edit is fsynced before anything acts on it: only a cut-short last edit is an interrupted append.
                RecordScanner.CompleteRecordMismatch.DAMAGE, (offset, type, payload) -> {
            if (type != RECORD_EDIT) {
                throw new NoKVException("corrupt manifest edit in " + file + " at offset " + offset
                        + ": unknown record type " + type);
            }
            VersionEdit edit = VersionEditCodec.decode(payload, file, offset);
            try {
                state[0] = state[0].apply(edit);
            } catch (IllegalStateException e) {
                throw new NoKVException("corrupt manifest edit in " + file + " at offset " + offset
                        + ": it does not apply to the state before it: " + e.getMessage(), e);
            }
            if (edits[0]++ == 0) {
                snapshotBytes[0] = RecordFormat.framedSize(payload.length);
            }
        });
        // A manifest becomes CURRENT only after its snapshot edit is durable, so it is never empty.
        if (edits[0] == 0) {
            throw new NoKVException("corrupt manifest " + file + ": it holds no complete edit"
                    + (scan.clean() ? "" : " (at offset 0: " + scan.tailProblem() + ")"));
        }
        return new Loaded(state[0], scan, snapshotBytes[0]);
    }
}
