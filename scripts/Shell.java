///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// The module classes (io.nokv:nokv-node) come from the catalog alias's dependencies, or from
// ./jbang's --cp when run from a checkout (docs/launcher.md).

import io.nokv.node.local.JavaCommand;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JShell with NoKV on the classpath: this script's own class path (the node module, the engine,
 * the TSO client, the cluster client and their libraries) and a startup snippet importing them.
 * Arguments go to jshell.
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

    public static void main(String[] args) throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        if (!Files.isExecutable(jshell)) {
            System.err.println("shell: no jshell in " + jshell.getParent() + " (a JRE without jshell? use a full JDK)");
            System.exit(1);
        }
        Path startup = Files.createTempFile("nokv-shell-", ".jsh");
        startup.toFile().deleteOnExit();
        Files.writeString(startup, STARTUP);
        List<String> cmd = new ArrayList<>(List.of(jshell.toString(),
                "--class-path", String.join(File.pathSeparator, JavaCommand.classPathEntries()),
                // the client's gRPC and Ratis classes log through slf4j-simple: warnings only
                "-J-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "--startup", "DEFAULT", "--startup", startup.toString()));
        cmd.addAll(List.of(args));
        System.exit(new ProcessBuilder(cmd).inheritIO().start().waitFor());
    }
}
