package io.nokv.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@code ./jbang ALIAS ...} process of the checkout, its combined output collected line by line. */
final class ScriptProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ScriptProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "script-output-" + process.pid());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static Path checkout() {
        Path root = Path.of(System.getProperty("nokv.root", "..")).toAbsolutePath().normalize();
        if (!Files.isExecutable(root.resolve("jbang"))) {
            throw new AssertionError("no ./jbang in " + root);
        }
        return root;
    }

    /** {@code ./jbang alias args...} from the checkout, with SIGINT at its default (see withDefaultSigint). */
    static ScriptProcess jbang(String alias, String... args) throws IOException {
        Path root = checkout();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("jbang").toString(), alias));
        cmd.addAll(List.of(args));
        return new ScriptProcess(new ProcessBuilder(withDefaultSigint(cmd)).directory(root.toFile())
                .redirectErrorStream(true).start());
    }

    /** {@code ./jbang args...} (any JBang command line) run in {@code cwd} with {@code env} added to ours. */
    static ScriptProcess start(Path cwd, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(checkout().resolve("jbang").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(withDefaultSigint(cmd)).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        return new ScriptProcess(pb.start());
    }

    static ScriptProcess startWithInput(String input, Path cwd, Map<String, String> env, String... args) throws IOException {
        ScriptProcess p = start(cwd, env, args);
        try (var in = p.process.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    static Result run(Duration timeout, Path cwd, Map<String, String> env, String... args) throws Exception {
        try (ScriptProcess p = start(cwd, env, args)) {
            int code = p.awaitExit(timeout);
            return new Result(code, p.output());
        }
    }

    /** {@code ./jbang alias args...} with {@code input} as its standard input (then closed). */
    static ScriptProcess jbangWithInput(String input, String alias, String... args) throws IOException {
        ScriptProcess p = jbang(alias, args);
        try (var in = p.process.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    /** Runs to completion and returns the exit code. */
    static Result run(Duration timeout, String alias, String... args) throws Exception {
        try (ScriptProcess p = jbang(alias, args)) {
            int code = p.awaitExit(timeout);
            return new Result(code, p.output());
        }
    }

    record Result(int code, String output) {
    }

    /**
     * A background job of a non-interactive shell starts with SIGINT ignored and a JVM keeps it so;
     * reset it so tests check the script's handling, not how the build was launched.
     */
    static List<String> withDefaultSigint(List<String> command) throws IOException {
        boolean ignored = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                ignored = (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        if (!ignored) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("perl", "-e", "$SIG{INT}='DEFAULT'; exec @ARGV or die \"exec: $!\""));
        wrapped.addAll(command);
        return wrapped;
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process died; what it printed stays readable
        }
    }

    String awaitLine(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (p.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeout + " waiting for output; got:\n" + output());
                }
                if (!process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("process exited with " + process.exitValue() + " before the expected output; got:\n" + output());
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
            }
        }
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process did not exit within " + timeout + "; output:\n" + output());
        }
        reader.join(5000);
        return process.exitValue();
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL to this process and every descendant at once (a crash of the whole tree). */
    void killTree() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            h.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> h).join();
        }
    }

    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
