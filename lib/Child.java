//DEPS org.zeroturnaround:zt-exec:1.13.0
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.StartedProcess;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A supervised child process (zt-exec): output and errors appended to a log file, a header line
 * per start so a log keeps earlier runs; waits with deadlines; stops with SIGTERM and, after a
 * grace period, SIGKILL; and the log tail for reports. Children are also killed if this JVM exits
 * without stopping them (zt-exec's destroyOnExit).
 */
public final class Child {
    static {
        // zt-exec logs through SLF4J 1.x; with no binding on a script's classpath SLF4J prints a
        // six-line warning to stderr on first use. Initialise it with stderr muted, once.
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            org.slf4j.LoggerFactory.getILoggerFactory();
            org.slf4j.MDC.getMDCAdapter();
        } finally {
            System.setErr(err);
        }
    }

    public final String name;
    public final Path log;
    private final Process process;
    private final long logStart;
    private final OutputStream logStream;

    private Child(String name, Path log, Process process, long logStart, OutputStream logStream) {
        this.name = name;
        this.log = log;
        this.process = process;
        this.logStart = logStart;
        this.logStream = logStream;
    }

    public static Child start(String name, List<String> command, Path workDir, Path log, Map<String, String> env) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            OutputStream out = new FileOutputStream(log.toFile(), true);
            out.write(("==== " + Instant.now() + " starting " + name + ": " + String.join(" ", command) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            long start = Files.size(log);
            StartedProcess sp = new ProcessExecutor().command(command).directory(workDir.toFile()).environment(env)
                    .redirectErrorStream(true).redirectOutput(out).destroyOnExit().start();
            return new Child(name, log, sp.getProcess(), start, out);
        } catch (IOException e) {
            throw new ScriptFailure("cannot start " + name + ": " + e.getMessage());
        }
    }

    /** Runs a short command to completion; a non-zero exit or timeout is a ScriptFailure with its output. */
    public static void run(String what, List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
        try {
            org.zeroturnaround.exec.ProcessResult r = new ProcessExecutor().command(command).directory(workDir.toFile())
                    .environment(env).redirectErrorStream(true).readOutput(true).destroyOnExit()
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).execute();
            if (r.getExitValue() != 0) {
                throw new ScriptFailure(what + " failed (exit " + r.getExitValue() + "):\n" + r.outputUTF8().strip());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ScriptFailure(what + " did not finish within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new ScriptFailure("cannot run " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScriptFailure("interrupted during " + what);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** This run's log lines so far. */
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
        if (last.isEmpty()) {
            return "    (no output)";
        }
        return String.join("\n", last.stream().map(s -> "    " + s).toList());
    }

    /** Waits for a log line matching {@code p}; false on deadline; ScriptFailure when the child exits first. */
    public boolean awaitLine(Predicate<String> p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (lines().stream().anyMatch(p)) {
                return true;
            }
            if (!alive()) {
                throw new ScriptFailure(name + " exited with code " + exitCode() + "; last lines of " + log + ":\n" + tail(20));
            }
            sleep(100);
        }
        return false;
    }

    /** Asks the child to stop (SIGTERM). */
    public void terminate() {
        if (alive()) {
            process.destroy();
        }
    }

    /** Waits up to {@code grace} after {@link #terminate()}, then kills it; returns the exit code. */
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
                Thread.sleep(50); // let the pump copy the last lines
                logStream.flush();
            } catch (IOException | InterruptedException ignored) {
                // the log is best effort at this point
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScriptFailure("interrupted");
        }
    }
}
