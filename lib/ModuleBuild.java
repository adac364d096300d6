import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes sure a module's jar (and its runtime libraries in target/lib) exist and are newer than
 * every source they come from, building with the checkout's ./mvnw when they are not. Two scripts
 * starting at once build once: the second waits on a file lock and then finds the jar fresh.
 */
public final class ModuleBuild {
    /** A module of the checkout, the in-repo modules it depends on, and its jar's name. */
    public enum Module {
        ENGINE("engine", "nokv-engine"),
        TSO("tso", "nokv-tso"),
        NODE("node", "nokv-node", ENGINE, TSO),
        REDIS("redis", "nokv-redis", ENGINE, TSO, NODE);

        final String dir;
        final String jarName;
        final Module[] dependsOn;

        Module(String dir, String jarName, Module... dependsOn) {
            this.dir = dir;
            this.jarName = jarName;
            this.dependsOn = dependsOn;
        }
    }

    private ModuleBuild() {
    }

    /** The runtime classpath of the module: its jar first, then target/lib/*.jar. Builds first if needed. */
    public static List<Path> classpath(Path root, Module module) {
        ensureFresh(root, module);
        Path target = root.resolve(module.dir).resolve("target");
        List<Path> cp = new ArrayList<>();
        cp.add(target.resolve(module.jarName + ".jar"));
        try (Stream<Path> libs = Files.list(target.resolve("lib"))) {
            libs.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(cp::add);
        } catch (IOException e) {
            throw new ScriptFailure("cannot list " + target.resolve("lib") + ": " + e.getMessage());
        }
        return cp;
    }

    public static void ensureFresh(Path root, Module module) {
        String why = staleness(root, module);
        if (why == null) {
            return;
        }
        Path lockFile = root.resolve("artifacts/build/.lock");
        try {
            Files.createDirectories(lockFile.getParent());
            try (RandomAccessFile raf = new RandomAccessFile(lockFile.toFile(), "rw");
                 FileLock ignored = raf.getChannel().lock()) {
                why = staleness(root, module); // another script may have built it while we waited
                if (why != null) {
                    build(root, module, why);
                }
            }
        } catch (IOException e) {
            throw new ScriptFailure("cannot build " + module.dir + ": " + e.getMessage());
        }
    }

    /** Null when fresh, else a short reason. */
    static String staleness(Path root, Module module) {
        Path jar = root.resolve(module.dir).resolve("target").resolve(module.jarName + ".jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
            return module.dir + "/target/" + module.jarName + ".jar is missing";
        }
        try {
            FileTime built = Files.getLastModifiedTime(jar);
            FileTime newest = newestSource(root, module);
            if (newest.compareTo(built) > 0) {
                return "sources changed since " + module.dir + "/target/" + module.jarName + ".jar was built";
            }
        } catch (IOException e) {
            return "cannot compare timestamps (" + e.getMessage() + ")";
        }
        return null;
    }

    private static FileTime newestSource(Path root, Module module) throws IOException {
        FileTime newest = Files.getLastModifiedTime(root.resolve("pom.xml"));
        List<Path> inputs = new ArrayList<>();
        collectInputs(root, module, inputs);
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(p)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    FileTime t = Files.getLastModifiedTime(f);
                    if (t.compareTo(newest) > 0) {
                        newest = t;
                    }
                }
            }
        }
        return newest;
    }

    private static void collectInputs(Path root, Module module, List<Path> out) {
        out.add(root.resolve(module.dir).resolve("pom.xml"));
        out.add(root.resolve(module.dir).resolve("src/main"));
        for (Module dep : module.dependsOn) {
            collectInputs(root, dep, out);
        }
    }

    private static void build(Path root, Module module, String why) throws IOException {
        Path log = root.resolve("artifacts/build/" + module.dir + ".log");
        System.err.println("nokv: building " + module.dir + " with ./mvnw (" + why + "); log: " + root.relativize(log));
        List<String> cmd = List.of(root.resolve("mvnw").toString(), "-q", "-B", "-Dmaven.test.skip=true",
                "-pl", module.dir, "-am", "package");
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int code;
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new ScriptFailure("build of " + module.dir + " did not finish in 30 minutes; see " + log);
            }
            code = p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ScriptFailure("interrupted while building " + module.dir);
        }
        if (code != 0) {
            List<String> lines = Files.readAllLines(log);
            lines.subList(0, Math.max(0, lines.size() - 25)).clear();
            lines.forEach(System.err::println);
            throw new ScriptFailure("build of " + module.dir + " failed (exit " + code + "); full log: " + log);
        }
    }
}
