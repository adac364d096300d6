package io.nokv.tso;

import io.nokv.testkit.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real {@code nokv-tso} process, stopped gracefully and with SIGKILL. */
class TsoProcessTest {
    private static final Pattern LISTENING = Pattern.compile("TSO service listening on ([^ ]+):(\\d+) ");
    private static final Duration STARTUP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static int port(ChildProcess p) throws InterruptedException {
        Matcher m = LISTENING.matcher(p.awaitLine(l -> LISTENING.matcher(l).find(), STARTUP));
        assertTrue(m.find());
        return Integer.parseInt(m.group(2));
    }

    private long takeMany(int port) {
        TsoClient client = new TsoClient("127.0.0.1:" + port, 37);
        long last = 0;
        for (int i = 0; i < 500; i++) {
            long t = client.next();
            assertTrue(t > last);
            last = t;
        }
        return last;
    }

    @Test
    void timestampsKeepIncreasingAcrossGracefulRestartAndSigkill() throws Exception {
        long highest = 0;
        for (String stop : new String[] {"TERM", "KILL", "INT", "KILL"}) {
            try (ChildProcess p = ChildProcess.java(TsoServer.class.getName(),
                    "--addr", "127.0.0.1:0", "--data-dir", dir.toString(), "--start", "100", "--window", "50")) {
                int port = port(p);
                long first = new TsoClient("127.0.0.1:" + port, 1).next();
                assertTrue(first > highest, "after " + stop + ": " + first + " must exceed " + highest);
                highest = takeMany(port);
                if (stop.equals("KILL")) {
                    p.killHard();
                } else {
                    p.signal(stop);
                    assertEquals(0, p.awaitExit(Duration.ofSeconds(20)), p.output());
                    assertTrue(p.output().contains("Shutting down..."), p.output());
                }
            }
        }
    }

    @Test
    void badFlagsExitNonZeroWithAOneLineReason() throws Exception {
        try (ChildProcess p = ChildProcess.java(TsoServer.class.getName(), "--start", "0", "--data-dir", dir.toString())) {
            assertEquals(2, p.awaitExit(Duration.ofSeconds(20)));
            assertTrue(p.output().contains("--start must be >= 1"), p.output());
        }
        try (ChildProcess p = ChildProcess.java(TsoServer.class.getName(), "--addr", "nonsense", "--data-dir", dir.toString())) {
            assertEquals(2, p.awaitExit(Duration.ofSeconds(20)));
            assertTrue(p.output().contains("HOST:PORT"), p.output());
        }
    }
}
