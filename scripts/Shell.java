///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../lib/ScriptFailure.java
//SOURCES ../lib/NokvCheckout.java
//SOURCES ../lib/ModuleBuild.java

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * JShell with NoKV on the classpath: the engine, the TSO client and the cluster client (the node
 * module and its libraries), and a startup snippet importing them. Arguments go to jshell.
 *
 * <pre>
 * ./jbang shell
 * jshell&gt; var c = NokvClient.fromConfig("raft_config.example.json")
 * jshell&gt; var db = NoKV.open(Options.at(Path.of("/tmp/x")))
 * </pre>
 */
public class Shell {
    static final String STARTUP = String.join("\n",
            "import io.nokv.engine.*;",
            "import io.nokv.client.*;",
            "import io.nokv.tso.TsoClient;",
            "import java.nio.file.*;",
            "import java.util.*;",
            "");

    public static void main(String[] args) throws IOException, InterruptedException {
        try {
            System.exit(run(args));
        } catch (ScriptFailure e) {
            System.err.println("shell: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) throws IOException, InterruptedException {
        Path root = NokvCheckout.require();
        List<Path> cp = ModuleBuild.classpath(root, ModuleBuild.Module.NODE);
        Path startup = root.resolve("artifacts/shell/startup.jsh");
        Files.createDirectories(startup.getParent());
        Files.writeString(startup, STARTUP);
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        if (!Files.isExecutable(jshell)) {
            throw new ScriptFailure("no jshell in " + jshell.getParent() + " (a JRE without jshell? use a full JDK)");
        }
        List<String> cmd = new ArrayList<>(List.of(jshell.toString(),
                "--class-path", cp.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)),
                // the client's gRPC and Ratis classes log through slf4j-simple: warnings only
                "-J-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "--startup", "DEFAULT", "--startup", startup.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        return p.waitFor();
    }
}
