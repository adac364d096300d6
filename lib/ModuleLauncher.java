import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one of NoKV's binaries in this JVM: builds its module if needed, then calls its main with
 * a class loader over the module's jar and libraries. Running in-process (not as a child) keeps
 * signals, exit codes and standard streams exactly those of the binary.
 */
public final class ModuleLauncher {
    /** The binaries of the checkout: name, module, main class. */
    public enum Binary {
        NOKV_TSO("nokv-tso", ModuleBuild.Module.TSO, "io.nokv.tso.TsoServer"),
        NOKV("nokv", ModuleBuild.Module.NODE, "io.nokv.node.cli.Nokv"),
        NOKV_CONFIG("nokv-config", ModuleBuild.Module.NODE, "io.nokv.node.cli.NokvConfig"),
        NOKV_REDIS("nokv-redis", ModuleBuild.Module.REDIS, "io.nokv.redis.NokvRedis");

        final String command;
        final ModuleBuild.Module module;
        final String mainClass;

        Binary(String command, ModuleBuild.Module module, String mainClass) {
            this.command = command;
            this.module = module;
            this.mainClass = mainClass;
        }
    }

    private ModuleLauncher() {
    }

    /** Never returns normally when the binary calls System.exit; otherwise returns after main does. */
    public static void run(Binary binary, String[] args) {
        Path root = NokvCheckout.require();
        List<Path> classpath = ModuleBuild.classpath(root, binary.module);
        URL[] urls = classpath.stream().map(ModuleLauncher::toUrl).toArray(URL[]::new);
        URLClassLoader loader = new URLClassLoader(binary.command, urls, ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Method main = loader.loadClass(binary.mainClass).getMethod("main", String[].class);
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new ScriptFailure(binary.command + " failed: " + cause);
        } catch (ReflectiveOperationException e) {
            throw new ScriptFailure("cannot start " + binary.command + " (" + binary.mainClass + "): " + e);
        }
    }

    /** Entry point for scripts: one-line errors, exit code 1. */
    public static void runOrExit(Binary binary, String[] args) {
        try {
            run(binary, args);
        } catch (ScriptFailure e) {
            System.err.println(binary.command + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static URL toUrl(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new ScriptFailure("bad classpath entry " + p);
        }
    }
}
