package io.nokv.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged binary as a process: startup line, SET NX, SIGTERM prints bye and exits 0, data survives; bad flags. */
class NokvRedisIT {
    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Process start(Path workdir, int port) throws Exception {
        Path root = Path.of(System.getProperty("nokv.root", "..")).toAbsolutePath().normalize();
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                root.resolve("redis/target/nokv-redis.jar").toString(), "--workdir", workdir.toString(), "--addr", "127.0.0.1:" + port)
                .redirectErrorStream(true).start();
    }

    @Test
    void servesUntilSigtermThenSaysBye(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 2; round++) {
            Process p = start(dir.resolve("r"), freePort());
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            while (first != null && first.startsWith("Picked up JAVA_TOOL_OPTIONS:")) { // the JVM's notice, not the gateway's
                first = out.readLine();
            }
            Matcher m = Pattern.compile("^NoKV Redis gateway listening on 127\\.0\\.0\\.1:(\\d+) \\(embedded, workdir=.*\\)$")
                    .matcher(String.valueOf(first));
            assertTrue(m.matches(), first);
            try (Jedis j = new Jedis("127.0.0.1", Integer.parseInt(m.group(1)), 60_000)) {
                if (round == 0) {
                    assertEquals("OK", j.set("a", "1", SetParams.setParams().nx()));
                } else {
                    assertNull(j.set("a", "1", SetParams.setParams().nx()), "the key survived the restart");
                }
            }
            p.toHandle().destroy(); // SIGTERM (Process.destroy would also close the streams we still read)
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            List<String> rest = new ArrayList<>();
            for (String l; (l = out.readLine()) != null; ) {
                rest.add(l);
            }
            assertEquals(0, p.exitValue(), String.join("\n", rest));
            assertEquals("bye", rest.get(rest.size() - 1), String.join("\n", rest));
        }
    }

    @Test
    void badFlagsExitTwoWithUsage(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("nokv.root", "..")).toAbsolutePath().normalize();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                root.resolve("redis/target/nokv-redis.jar").toString(), "--addr", "nonsense").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("--addr"), output);
    }
}
