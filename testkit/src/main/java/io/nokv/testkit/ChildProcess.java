package io.nokv.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real child process for tests: a Java main on this JVM's classpath, a {@code ./jbang} alias of
 * the checkout, or any command. Its output is collected line by line (stdout, and stderr too unless
 * kept apart), every wait has a deadline and fails with the output so far, and closing it kills the
 * whole process tree.
 */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    /** How many lines {@link #nextLine} has handed out. */
    private int consumed;

    private ChildProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "child-output-" + process.pid());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    // ---- starting --------------------------------------------------------------------------------

    /** How to start a child: its command, directory, standard input and where its stderr goes. */
    public static final class Spec {
        private final List<String> command;
        private Path directory;
        private String input;
        private ProcessBuilder.Redirect stderr;
        private final java.util.Map<String, String> env = new java.util.LinkedHashMap<>();

        private Spec(List<String> command) {
            this.command = new ArrayList<>(command);
        }

        /** The working directory (default: this JVM's). */
        public Spec in(Path dir) {
            this.directory = dir;
            return this;
        }

        /** Adds {@code vars} to the environment the child inherits from this JVM. */
        public Spec env(java.util.Map<String, String> vars) {
            this.env.putAll(vars);
            return this;
        }

        /** Written to the child's standard input, which is then closed. */
        public Spec input(String text) {
            this.input = text;
            return this;
        }

        /** Keeps stderr out of the collected lines (e.g. JVM notices) and sends it to this test's stderr. */
        public Spec stderrApart() {
            this.stderr = ProcessBuilder.Redirect.INHERIT;
            return this;
        }

        /** Keeps stderr out of the collected lines and writes it to {@code file}. */
        public Spec stderrTo(Path file) {
            this.stderr = ProcessBuilder.Redirect.to(file.toFile());
            return this;
        }

        public ChildProcess start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(withDefaultSigint(command));
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            pb.environment().putAll(env);
            if (stderr == null) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(stderr);
            }
            ChildProcess child = new ChildProcess(pb.start());
            if (input != null) {
                try (OutputStream in = child.process.getOutputStream()) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            return child;
        }
    }

    public static Spec command(List<String> command) {
        return new Spec(command);
    }

    /** {@code java [jvmOptions] -cp <this test JVM's classpath> mainClass args...}. */
    public static Spec javaMain(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new Spec(cmd);
    }

    /** {@code ./jbang alias args...}, run in the checkout. */
    public static Spec jbangAlias(String alias, String... args) {
        Path root = checkout();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("jbang").toString(), alias));
        cmd.addAll(List.of(args));
        return new Spec(cmd).in(root);
    }

    /** {@code ./jbang args...} (any JBang command line: an alias, {@code alias@catalog}, {@code catalog add}, ...), run in the checkout. */
    public static Spec jbangCommand(String... args) {
        Path root = checkout();
        List<String> cmd = new ArrayList<>(List.of(root.resolve("jbang").toString()));
        cmd.addAll(List.of(args));
        return new Spec(cmd).in(root);
    }

    /** Runs {@code spec} to completion (within {@code timeout}). */
    public static Result run(Duration timeout, Spec spec) throws Exception {
        try (ChildProcess p = spec.start()) {
            int code = p.awaitExit(timeout);
            return new Result(code, p.output());
        }
    }

    /** Starts {@code command} in {@code workDir} (null: this JVM's), stdout and stderr collected together. */
    public static ChildProcess start(Path workDir, List<String> command) throws IOException {
        return command(command).in(workDir).start();
    }

    /** Starts a Java main of this JVM's classpath, stdout and stderr collected together. */
    public static ChildProcess java(String mainClass, String... args) throws IOException {
        return javaMain(List.of(), mainClass, args).start();
    }

    /** Starts {@code ./jbang alias args...} from the checkout, stdout and stderr collected together. */
    public static ChildProcess jbang(String alias, String... args) throws IOException {
        return jbangAlias(alias, args).start();
    }

    /** {@code ./jbang alias args...} with {@code input} as its standard input (then closed). */
    public static ChildProcess jbangWithInput(String input, String alias, String... args) throws IOException {
        return jbangAlias(alias, args).input(input).start();
    }

    /** Runs {@code ./jbang alias args...} to completion (within {@code timeout}). */
    public static Result run(Duration timeout, String alias, String... args) throws Exception {
        try (ChildProcess p = jbang(alias, args)) {
            int code = p.awaitExit(timeout);
            return new Result(code, p.output());
        }
    }

    public record Result(int code, String output) {
    }

    /** The checkout the build runs in (system property {@code nokv.root}, set by the parent POM). */
    public static Path checkout() {
        Path root = Path.of(System.getProperty("nokv.root", "..")).toAbsolutePath().normalize();
        if (!Files.isExecutable(root.resolve("jbang"))) {
            throw new AssertionError("no ./jbang in " + root);
        }
        return root;
    }

    /**
     * A background job of a non-interactive shell starts with SIGINT ignored, and a child inherits
     * that (a shell cannot even trap it back). Tests check how a program handles Ctrl+C, not how the
     * build was launched, so the child starts through coreutils' {@code env --default-signal=INT}.
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
        List<String> wrapped = new ArrayList<>(List.of("env", "--default-signal=INT"));
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
            // The process died; what it printed so far stays readable.
        }
    }

    // ---- waiting ---------------------------------------------------------------------------------

    /** Waits for a line matching {@code p}; fails with the output so far when the deadline passes or the process exits. */
    public String awaitLine(Predicate<String> p, Duration timeout) throws InterruptedException {
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

    /**
     * The next line not yet handed out by this method, waiting up to {@code timeout}; null once the
     * output has ended (the process exited or closed it). Fails with the output so far on timeout.
     * For a test that consumes a child's output as a stream (acknowledgements, say).
     */
    public String nextLine(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (consumed >= lines.size()) {
                if (!reader.isAlive()) {
                    return null;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no output line within " + timeout + "; got:\n" + output());
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
            }
            return lines.get(consumed++);
        }
    }

    /** Once the process is gone (e.g. after {@link #killHard}): the lines {@link #nextLine} has not handed out. */
    public List<String> remainingLines() throws InterruptedException {
        reader.join(TimeUnit.SECONDS.toMillis(30));
        synchronized (lines) {
            List<String> rest = List.copyOf(lines.subList(consumed, lines.size()));
            consumed = lines.size();
            return rest;
        }
    }

    /** Waits for the exit (and the last output line); fails with the output when the deadline passes. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process did not exit within " + timeout + "; output:\n" + output());
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** Closes the child's standard input (a child that waits for EOF then finishes). */
    public void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    // ---- stopping --------------------------------------------------------------------------------

    /** Sends signal {@code name} ({@code TERM}, {@code INT}, {@code KILL}, ...) to the process itself. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /**
     * SIGKILL to the process (not its children) and wait for it. Through its handle, not
     * {@code Process.destroyForcibly()}, which would also close our end of the output pipe and lose
     * lines the child wrote just before it died (a crash test counts those acknowledgements).
     */
    public void killHard() throws InterruptedException {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("process " + process.pid() + " did not die within 30 s of SIGKILL");
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
    }

    /** SIGKILL to this process and every descendant at once (a crash of the whole tree). */
    public void killTree() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            h.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> h).join();
        }
    }

    // ---- looking -------------------------------------------------------------------------------

    /** Everything collected so far, one line per line. */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
