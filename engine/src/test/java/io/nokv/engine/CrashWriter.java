package io.nokv.engine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link CrashRecoveryTest}: opens the store with synced writes and writes
 * batches {@code firstId, firstId+1, ...} from {@link CrashWorkload} one at a time until it is
 * killed. It prints {@code opening}, then {@code opened}, then each batch id on its own line once
 * {@code write} has returned, i.e. once the batch is acknowledged. Lines go straight to the stdout
 * file descriptor (no Java buffering), so a line the parent reads was written after the ack.
 *
 * <p>Args: {@code <store dir> <seed> <first batch id>}. It exits by itself when its stdin closes
 * (the parent died) or after a minute, so a broken test never leaves it running.
 */
public final class CrashWriter {
    private static final long MAX_RUN_NANOS = 60_000_000_000L;

    private CrashWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        long firstId = Long.parseLong(args[2]);
        exitWhenParentGoes();
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        say(out, "opening");
        try (DB db = NoKV.open(CrashWorkload.options(dir))) {
            say(out, "opened");
            long deadline = System.nanoTime() + MAX_RUN_NANOS;
            for (long id = firstId; System.nanoTime() < deadline; id++) {
                db.write(CrashWorkload.batch(seed, id));
                say(out, Long.toString(id));
            }
        }
        System.err.println("CrashWriter: ran a minute without being killed; stopping");
        System.exit(3);
    }

    /** One write call per line: pipe writes this short are atomic, so a kill never leaves half an id. */
    private static void say(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void exitWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // The parent never writes; we only wait for end of stream.
                }
            } catch (IOException ignored) {
                // Same meaning as end of stream.
            }
            Runtime.getRuntime().halt(4);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
