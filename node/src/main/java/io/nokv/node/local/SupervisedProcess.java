package io.nokv.node.local;

import org.zeroturnaround.exec.ProcessExecutor;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process a helper supervises (started with zt-exec): its output and errors appended to a
 * log file under a {@code ==== <time> starting <name>: <command>} header, so a log keeps earlier
 * runs; waits with deadlines; stop with SIGTERM and, after a grace period, SIGKILL of it and its
 * descendants; the log tail of this run for reports. zt-exec's destroy-on-exit stops the child
 * when the helper's JVM exits without stopping it.
 */
public final class SupervisedProcess {
    private final String name;
    private final Path log;
    private final Process process;
    private final long logStart;
    private final OutputStream logStream;

    private SupervisedProcess(String name, Path log, Process process, long logStart, OutputStream logStream) {
        this.name = name;
        this.log = log;
        this.process = process;
        this.logStart = logStart;
        this.logStream = logStream;
    }

    /** Starts {@code command} in {@code workDir}, output appended to {@code log}. */
    public static SupervisedProcess start(String name, List<String> command, Path workDir, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            OutputStream out = new FileOutputStream(log.toFile(), true);
            out.write(("==== " + Instant.now() + " starting " + name + ": " + String.join(" ", command) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            long start = Files.size(log);
            Process p = new ProcessExecutor().command(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(out).destroyOnExit().start().getProcess();
            return new SupervisedProcess(name, log, p, start, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit code; only once {@link #alive()} is false. */
    public int exitCode() {
        return process.exitValue();
    }

    /** This run's log lines so far (the last 8 MiB at most). */
    public List<String> lines() {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            if (len <= logStart) {
                return List.of();
            }
            byte[] b = new byte[(int) Math.min(len - logStart, 8 << 20)];
            f.seek(len - b.length);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }

    /** The last {@code n} lines of this run's log, indented, for reports. */
    public String tail(int n) {
        List<String> l = lines();
        List<String> last = new ArrayList<>(l.subList(Math.max(0, l.size() - n), l.size()));
        return last.isEmpty() ? "    (no output)" : String.join("\n", last.stream().map(s -> "    " + s).toList());
    }

    /** "NAME exited with code C; last lines of LOG:" and the tail: what a helper prints when a child dies. */
    public String exitReport(int lines) {
        return name + " (pid " + pid() + ") exited with code " + exitCode() + "; last lines of " + log + ":\n" + tail(lines);
    }

    /**
     * Waits for a line of this run's log matching {@code p}; false on deadline.
     *
     * @throws IllegalStateException when the process exits first (with its log tail)
     */
    public boolean awaitLine(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (lines().stream().anyMatch(p)) {
                return true;
            }
            if (!alive()) {
                throw new IllegalStateException(exitReport(20));
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Asks the process to stop (SIGTERM). */
    public void terminate() {
        if (alive()) {
            process.destroy();
        }
    }

    /**
     * Waits up to {@code grace} for the process to exit (after {@link #terminate()}), then kills it and
     * its descendants; returns the exit code, or -1 if even SIGKILL did not end it within 10 s.
     */
    public int awaitStop(Duration grace) {
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.out.println(name + " did not stop within " + grace.toSeconds() + " s; killing it");
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Thread.sleep(50); // zt-exec's pump copies the last lines
                logStream.flush();
            } catch (IOException | InterruptedException ignored) {
                // the log is best effort at this point
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Stops every process: SIGTERM to all at once, then {@link #awaitStop} each. */
    public static void stopAll(List<SupervisedProcess> processes, Duration grace) {
        processes.forEach(SupervisedProcess::terminate);
        processes.forEach(p -> p.awaitStop(grace));
    }
}
