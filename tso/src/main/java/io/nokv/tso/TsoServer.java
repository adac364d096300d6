package io.nokv.tso;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nokv-tso}: the HTTP timestamp oracle. */
@Command(name = "nokv-tso", mixinStandardHelpOptions = true, version = "nokv-tso 0.1.0",
        description = {
            "Serves strictly increasing timestamps over HTTP; they never repeat, across restarts and kill -9.",
            "",
            "  GET /tso[?batch=N]  -> {\"timestamp\": <first>, \"count\": N}   (1 <= N <= " + TimestampOracle.MAX_BATCH + ")",
            "  GET /healthz        -> ok",
            ""
        })
public final class TsoServer implements Callable<Integer> {

    @Option(names = "--addr", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9494",
            description = "Listen address (default: ${DEFAULT-VALUE}).")
    String addr;

    @Option(names = "--start", defaultValue = "1",
            description = "First timestamp of a brand-new oracle, >= 1 (default: ${DEFAULT-VALUE}). A restarted oracle resumes above both this and every timestamp it handed out.")
    long start;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./artifacts/tso",
            description = "Where the durable limit lives; created if missing (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--window", defaultValue = "1000000",
            description = "How many timestamps each durable write reserves ahead; a restart skips at most this many (default: ${DEFAULT-VALUE}).")
    long window;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new TsoServer())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("nokv-tso: " + e.getMessage());
                    return 1;
                });
    }

    @Override
    public Integer call() throws Exception {
        if (start < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--start must be >= 1, got " + start);
        }
        if (window < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--window must be >= 1, got " + window);
        }
        InetSocketAddress address;
        try {
            address = parseAddress(addr);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        TimestampOracle oracle;
        try {
            oracle = new TimestampOracle(dataDir, start, window);
        } catch (java.io.IOException | java.io.UncheckedIOException | IllegalArgumentException e) {
            System.err.println("nokv-tso: " + e.getMessage());
            return 1;
        }
        ShutdownSignal signal = ShutdownSignal.install();
        TsoHttpServer server;
        try {
            server = TsoHttpServer.start(address, oracle);
        } catch (Exception e) {
            System.err.println("nokv-tso: cannot listen on " + addr + ": " + e.getMessage());
            return 1;
        }
        InetSocketAddress bound = server.localAddress();
        System.out.println("TSO service listening on " + bound.getHostString() + ":" + bound.getPort() + " (start=" + start + ", next=" + oracle.peekNext()
                + ", data-dir=" + dataDir + ")");
        System.out.flush();
        signal.await();
        System.out.println("Shutting down...");
        System.out.flush();
        server.close();
        return 0;
    }

    static InetSocketAddress parseAddress(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("--addr must be HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--addr port must be a number, got '" + value + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--addr port must be 0..65535, got " + port);
        }
        return new InetSocketAddress(host, port);
    }
}
