package io.nokv.tso;

import io.nokv.testkit.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

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

    @Test
    void jbangTsoServesTimestampsAndStopsCleanlyOnSigint() throws Exception {
        try (ChildProcess p = ChildProcess.jbang("tso", "--addr", "127.0.0.1:0", "--start", "100", "--data-dir", dir.toString())) {
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
        try (ChildProcess p = ChildProcess.jbang("alias", "list")) {
            assertEquals(0, p.awaitExit(Duration.ofMinutes(5)), p.output());
            String out = p.output();
            for (String alias : new String[] {"tso", "nokv-tso"}) {
                assertTrue(out.lines().anyMatch(l -> l.strip().equals(alias)), "alias " + alias + " missing:\n" + out);
            }
            assertTrue(out.contains("Timestamp oracle"), out);
        }
    }
}
