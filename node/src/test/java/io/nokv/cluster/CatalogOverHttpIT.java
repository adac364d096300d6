package io.nokv.cluster;

import io.nokv.testkit.ChildProcess;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalog shared for real: the repository served over HTTP on 127.0.0.1, registered by URL in
 * a temporary JBang home, and the helpers run from an empty directory with no checkout around —
 * the scripts come over HTTP, the modules from a local Maven repository holding this build's jars
 * (as after {@code ./mvnw install}), the config is the example bundled in the node jar.
 * Uses the example's fixed ports: run under the machine's CPU lock like every IT.
 */
class CatalogOverHttpIT {
    static final Duration START = Duration.ofMinutes(5);

    @TempDir
    static Path dir;
    static HttpServer server;
    static Map<String, String> env;
    static Path empty;

    @BeforeAll
    static void serveTheRepositoryAndRegisterItsCatalogByUrl() throws Exception {
        Path root = ChildProcess.checkout();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean ok = exchange.getRequestMethod().equals("GET") && file.startsWith(root) && Files.isRegularFile(file);
            byte[] body = ok ? Files.readAllBytes(file) : new byte[0];
            exchange.sendResponseHeaders(ok ? 200 : 404, ok ? body.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();

        // The launcher materialises JBang once per user; do it with the real home, not the temporary one.
        ChildProcess.Result version = ChildProcess.run(START, ChildProcess.jbangCommand("version").in(dir));
        assertEquals(0, version.code(), version.output());

        Path home = Files.createDirectories(dir.resolve("home"));
        empty = Files.createDirectories(dir.resolve("empty"));
        env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        env.put("JBANG_DIR", home.resolve(".jbang").toString());
        env.put("JBANG_REPO", localRepository(root, dir.resolve("m2")).toString());
        // The JBang the ./jbang launcher materialised once for this user: not fetched again.
        env.put("NOKV_JBANG_CACHE", Path.of(System.getProperty("user.home"), ".cache/nokv/jbang").toString());
        env.put("NOKV_JBANG_NO_PATH", "1");

        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jbang-catalog.json";
        ChildProcess.Result add = ChildProcess.run(START, ChildProcess.jbangCommand("catalog", "add", "--name", "nokv", url).in(empty).env(env));
        assertEquals(0, add.code(), add.output());
        assertTrue(Files.readString(home.resolve(".jbang/jbang-catalog.json")).contains(url), "registered in the temporary JBang home");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.stop(0);
        }
        // Unlink the borrowed parts of the repository ourselves (JUnit would warn about each link).
        for (Path links : List.of(dir.resolve("m2"), dir.resolve("m2/io"))) {
            if (Files.isDirectory(links)) {
                try (Stream<Path> entries = Files.list(links)) {
                    for (Path p : (Iterable<Path>) entries.filter(Files::isSymbolicLink)::iterator) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /**
     * A local Maven repository as {@code ./mvnw install} would leave it for this build: the io.nokv
     * POMs and jars of this checkout, every other artifact from the user's repository (linked, not
     * copied), so the test neither writes this build into the shared ~/.m2 nor downloads the world.
     */
    static Path localRepository(Path root, Path repo) throws IOException {
        Path shared = Path.of(System.getProperty("user.home"), ".m2/repository");
        Files.createDirectories(repo.resolve("io"));
        try (Stream<Path> top = Files.list(shared)) {
            for (Path p : (Iterable<Path>) top.filter(p -> !p.getFileName().toString().equals("io"))::iterator) {
                Files.createSymbolicLink(repo.resolve(p.getFileName().toString()), p);
            }
        }
        if (Files.isDirectory(shared.resolve("io"))) {
            try (Stream<Path> io = Files.list(shared.resolve("io"))) {
                for (Path p : (Iterable<Path>) io.filter(p -> !p.getFileName().toString().equals("nokv"))::iterator) {
                    Files.createSymbolicLink(repo.resolve("io").resolve(p.getFileName().toString()), p);
                }
            }
        }
        install(repo, "nokv-parent", root.resolve("pom.xml"), null);
        install(repo, "nokv-engine", root.resolve("engine/pom.xml"), root.resolve("engine/target/nokv-engine.jar"));
        install(repo, "nokv-tso", root.resolve("tso/pom.xml"), root.resolve("tso/target/nokv-tso.jar"));
        install(repo, "nokv-protocol", root.resolve("protocol/pom.xml"), root.resolve("protocol/target/nokv-protocol.jar"));
        install(repo, "nokv-client", root.resolve("client/pom.xml"), root.resolve("client/target/nokv-client.jar"));
        install(repo, "nokv-node", root.resolve("node/pom.xml"), root.resolve("node/target/nokv-node.jar"));
        return repo;
    }

    private static void install(Path repo, String artifact, Path pom, Path jar) throws IOException {
        String version = "0.1.0-SNAPSHOT";
        Path d = Files.createDirectories(repo.resolve("io/nokv").resolve(artifact).resolve(version));
        Files.copy(pom, d.resolve(artifact + "-" + version + ".pom"));
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), jar + " missing: the IT runs after package");
            Files.copy(jar, d.resolve(artifact + "-" + version + ".jar"));
        }
    }

    @Test
    void runLocalClusterAndShellFromAnEmptyDirectoryThroughACatalogFetchedOverHttp() throws Exception {
        try (ChildProcess cluster = ChildProcess.jbangCommand("run-local-cluster@nokv", "--no-raft-debug-log").in(empty).env(env).start()) {
            try {
                cluster.awaitLine(l -> l.equals("Cluster running. TSO available at http://127.0.0.1:9494/tso"), START);
                cluster.awaitLine(l -> l.equals("Press Ctrl+C to stop"), Duration.ofSeconds(30));
                String out = cluster.output();
                assertTrue(out.contains("Seeded store 1 at " + empty.resolve("artifacts/cluster/store-1")), out);

                String session = "var c = NokvClient.of(List.of(\"127.0.0.1:20170\", \"127.0.0.1:20171\", \"127.0.0.1:20172\"), \"http://127.0.0.1:9494\");\n"
                        + "var t = c.begin(); t.put(\"apple\", \"red\"); t.put(\"zebra\", \"striped\"); t.commit();\n"
                        + "System.out.println(\"GOT \" + c.get(\"apple\") + \" \" + c.get(\"zebra\"));\n"
                        + "c.close();\n/exit\n";
                try (ChildProcess shell = ChildProcess.jbangCommand("shell@nokv").in(empty).env(env).input(session).start()) {
                    assertEquals(0, shell.awaitExit(START), shell.output());
                    assertTrue(shell.output().contains("GOT red striped"), shell.output());
                }
            } finally {
                cluster.signal("TERM");
            }
            assertEquals(0, cluster.awaitExit(Duration.ofMinutes(2)), cluster.output());
        }
        try (Stream<Path> left = Files.list(empty)) {
            assertEquals(List.of("artifacts"), left.map(p -> p.getFileName().toString()).toList(), "only the cluster's data was written here");
        }
    }
}
