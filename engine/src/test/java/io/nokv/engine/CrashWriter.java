package io.nokv.engine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link CrashRecoveryTest}: opens the store with synced writes and runs one
 * thread per writer; writer {@code w} writes its batches {@code first_w, first_w+1, ...} from
 * {@link CrashWorkload} one at a time until the process is killed. Running several writers at once
 * means kills land inside shared group commits too. It prints {@code opening}, then
 * {@code opened}, then {@code <writer> <batch id>} once that batch's {@code write} has returned,
 * i.e. once it is acknowledged. Each line is one write(2) on the stdout descriptor (no Java
 * buffering; pipe writes this short are atomic), so a line the parent reads was written after the
 * ack and is never half a line.
 *
 * <p>Args: {@code <store dir> <seed> <first id of writer 0>,<first id of writer 1>,...}. It exits
 * by itself when its stdin closes (the parent died) or after a minute, so a broken test never
 * leaves it running.
 */
public final class CrashWriter {
    private static final long MAX_RUN_NANOS = 60_000_000_000L;
    private static final OutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        String[] firsts = args[2].split(",");
        exitWhenParentGoes();
        say("opening");
        try (DB db = NoKV.open(CrashWorkload.options(dir))) {
            say("opened");
            long deadline = System.nanoTime() + MAX_RUN_NANOS;
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < firsts.length; w++) {
                int writer = w;
                long first = Long.parseLong(firsts[w]);
                Thread t = new Thread(() -> {
                    for (long id = first; System.nanoTime() < deadline; id++) {
                        db.write(CrashWorkload.batch(seed, writer, id));
                        say(writer + " " + id);
                    }
                }, "crash-writer-" + w);
                t.setUncaughtExceptionHandler((thread, e) -> {
                    e.printStackTrace();
                    Runtime.getRuntime().halt(5);
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        System.err.println("CrashWriter: ran a minute without being killed; stopping");
        System.exit(3);
    }

    private static void say(String line) {
        try {
            OUT.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
