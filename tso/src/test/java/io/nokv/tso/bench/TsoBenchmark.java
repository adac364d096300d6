package io.nokv.tso.bench;

import io.nokv.tso.TsoClient;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Timestamps per second from a real nokv-tso process: 1/4/16 keep-alive HTTP clients, unbatched
 * and batch=100, and through {@link TsoClient}'s local batching. A benchmark program, not a test.
 *
 * <pre>
 * ./mvnw -q -B -pl tso -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.nokv.tso.bench.TsoBenchmark [-Dexec.args="--seconds 3 --repeats 3"]
 * </pre>
 * Results also go to artifacts/bench/tso.csv.
 */
public final class TsoBenchmark {
    private static final Pattern LISTENING = Pattern.compile("TSO service listening on [^ ]+:(\\d+) ");

    public static void main(String[] args) throws Exception {
        double seconds = 3;
        int repeats = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("TsoBenchmark [--seconds S (3)] [--repeats N (3, median reported)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        final double secs = seconds;
        Path data = Files.createTempDirectory("tso-bench");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath(), "io.nokv.tso.TsoServer",
                "--addr", "127.0.0.1:0", "--data-dir", data.toString()).redirectErrorStream(true).start();
        try {
            int port = awaitPort(server);
            List<String> rows = new ArrayList<>();
            rows.add("mode,clients,batch,timestamps_per_s,requests_per_s,p50_us,p99_us");
            System.out.printf(Locale.ROOT, "%-10s %7s %6s %16s %14s %9s %9s%n", "mode", "clients", "batch", "timestamps/s", "requests/s", "p50 µs", "p99 µs");
            for (int batch : new int[] {1, 100}) {
                for (int clients : new int[] {1, 4, 16}) {
                    rows.add(report("http", clients, batch, median(repeats, () -> runHttp(port, clients, batch, secs))));
                }
            }
            // next() coalesces waiting callers into one request: 256 callers is where that must pay.
            for (int clients : new int[] {1, 16, 256}) {
                rows.add(report("next()", clients, 0, median(repeats, () -> runClient(port, clients, 1, secs, false))));
            }
            for (int clients : new int[] {1, 4, 16}) {
                rows.add(report("unique()", clients, 10_000, median(repeats, () -> runClient(port, clients, 10_000, secs, true))));
            }
            Path out = Path.of("artifacts/bench/tso.csv");
            Files.createDirectories(out.getParent());
            Files.write(out, rows);
            System.out.println("wrote " + out.toAbsolutePath());
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Under exec:java the project's classes come from a class loader, not from java.class.path. */
    private static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    record Result(double timestampsPerSecond, double requestsPerSecond, double p50Micros, double p99Micros) {
    }

    interface Run {
        Result run() throws Exception;
    }

    private static Result median(int repeats, Run run) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            results.add(run.run());
        }
        results.sort((a, b) -> Double.compare(a.timestampsPerSecond(), b.timestampsPerSecond()));
        return results.get(results.size() / 2);
    }

    private static String report(String mode, int clients, int batch, Result r) {
        System.out.printf(Locale.ROOT, "%-10s %7d %6d %,16.0f %,14.0f %9.1f %9.1f%n", mode, clients, batch,
                r.timestampsPerSecond(), r.requestsPerSecond(), r.p50Micros(), r.p99Micros());
        return String.format(Locale.ROOT, "%s,%d,%d,%.0f,%.0f,%.1f,%.1f", mode, clients, batch,
                r.timestampsPerSecond(), r.requestsPerSecond(), r.p50Micros(), r.p99Micros());
    }

    /** Raw keep-alive HTTP/1.1 over a socket per client: measures the server, not an HTTP library. */
    private static Result runHttp(int port, int clients, int batch, double seconds) throws Exception {
        byte[] request = ("GET /tso?batch=" + batch + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return drive(clients, seconds, batch, () -> {
            Socket s = new Socket("127.0.0.1", port);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            return () -> {
                out.write(request);
                readResponse(in, buf);
            };
        });
    }

    /** {@code next()}: coalesced, linearizable; {@code nextUnique()}: from a cached range of {@code batch}. */
    private static Result runClient(int port, int clients, int batch, double seconds, boolean unique) throws Exception {
        TsoClient shared = new TsoClient("127.0.0.1:" + port, batch);
        return drive(clients, seconds, 1, () -> unique ? shared::nextUnique : shared::next);
    }

    interface Op {
        void call() throws Exception;
    }

    interface OpFactory {
        Op create() throws Exception;
    }

    private static Result drive(int clients, double seconds, int perOp, OpFactory factory) throws Exception {
        long durationNanos = (long) (seconds * 1e9);
        Histogram total = new Histogram(3_600_000_000L, 3);
        long[] counts = new long[clients];
        List<Thread> threads = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Exception> errors = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            Histogram h = new Histogram(3_600_000_000L, 3);
            histograms.add(h);
            Op op = factory.create();
            Thread t = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    long end = System.nanoTime() + durationNanos;
                    long n = 0;
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        op.call();
                        h.recordValue(Math.max(1, System.nanoTime() - now));
                        n++;
                    }
                    counts[id] = n;
                } catch (Exception e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        long ops = 0;
        for (int c = 0; c < clients; c++) {
            ops += counts[c];
            total.add(histograms.get(c));
        }
        return new Result(ops * (double) perOp / elapsed, ops / elapsed,
                total.getValueAtPercentile(50) / 1e3, total.getValueAtPercentile(99) / 1e3);
    }

    /** Reads one response with a Content-Length body; the body is tiny, so the whole response fits the buffer. */
    private static void readResponse(InputStream in, byte[] buf) throws IOException {
        int len = 0;
        int headerEnd = -1;
        int contentLength = -1;
        while (true) {
            int r = in.read(buf, len, buf.length - len);
            if (r < 0) {
                throw new IOException("server closed the connection");
            }
            len += r;
            if (headerEnd < 0) {
                headerEnd = indexOf(buf, len);
                if (headerEnd >= 0) {
                    String head = new String(buf, 0, headerEnd, StandardCharsets.US_ASCII);
                    if (!head.startsWith("HTTP/1.1 200")) {
                        throw new IOException("unexpected response: " + head);
                    }
                    Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
                    if (!m.find()) {
                        throw new IOException("no content-length: " + head);
                    }
                    contentLength = Integer.parseInt(m.group(1));
                }
            }
            if (headerEnd >= 0 && len >= headerEnd + 4 + contentLength) {
                return;
            }
        }
    }

    private static int indexOf(byte[] b, int len) {
        for (int i = 0; i + 3 < len; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int awaitPort(Process server) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (r.readLine() != null) {
                            // keep the pipe from filling up
                        }
                    } catch (IOException ignored) {
                        // server gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IOException("nokv-tso exited before listening");
    }
}
