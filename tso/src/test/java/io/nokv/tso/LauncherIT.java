package io.nokv.tso;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The path a user takes: {@code ./jbang tso ...} from the checkout, as a real process (the
 * launcher materialises JBang if needed, JBang compiles scripts/Tso.java, the script runs the
 * packaged tso module). Runs after {@code package}, as an integration test.
 */
class LauncherIT {
    @TempDir
    Path dir;

    static Path checkout() {
        Path root = Path.of(System.getProperty("nokv.root", "..")).toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(root.resolve("jbang")), "no ./jbang in " + root);
        return root;
    }

    /**
     * A process whose parent ignores SIGINT (a background job of a non-interactive shell) starts
     * with SIGINT ignored, and the JVM keeps it so. Reset it, so the test checks our handling and
     * not how it was launched.
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

    @Test
    void jbangTsoServesTimestampsAndStopsCleanlyOnSigint() throws Exception {
        Path root = checkout();
        List<String> cmd = withDefaultSigint(List.of(root.resolve("jbang").toString(), "tso",
                "--addr", "127.0.0.1:0", "--start", "100", "--data-dir", dir.toString()));
        try (ChildProcess p = ChildProcess.start(root, cmd)) {
            String line = p.awaitLine(l -> l.startsWith("TSO service listening on"), Duration.ofMinutes(5));
            int port = Integer.parseInt(line.replaceFirst("^TSO service listening on [^ ]+:(\\d+) .*$", "$1"));
            TsoClient client = new TsoClient("http://127.0.0.1:" + port, 10);
            long t1 = client.next();
            long t2 = client.next();
            assertTrue(t1 >= 100 && t2 > t1, t1 + ", " + t2);

            p.signal("INT");
            assertEquals(0, p.awaitExit(Duration.ofSeconds(30)), p.output());
            assertTrue(p.output().contains("Shutting down..."), p.output());
        }
    }

    @Test
    void aliasListShowsTheAliasesWithDescriptions() throws Exception {
        Path root = checkout();
        try (ChildProcess p = ChildProcess.start(root, List.of(root.resolve("jbang").toString(), "alias", "list"))) {
            assertEquals(0, p.awaitExit(Duration.ofMinutes(5)), p.output());
            String out = p.output();
            for (String alias : new String[] {"tso", "nokv-tso"}) {
                assertTrue(out.lines().anyMatch(l -> l.strip().equals(alias)), "alias " + alias + " missing:\n" + out);
            }
            assertTrue(out.contains("Timestamp oracle"), out);
        }
    }
}
