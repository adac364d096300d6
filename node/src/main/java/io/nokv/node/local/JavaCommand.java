package io.nokv.node.local;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code java -cp <this JVM's class path> <main> <args>} command line: how a helper starts a
 * store or the TSO as its own JVM, with no JBang (or shell) in between. The helper's class path
 * already holds the node module and its libraries (JBang resolved them for the script), so the
 * child sees exactly the classes the helper was compiled against.
 */
public record JavaCommand(List<String> jvmOptions, String mainClass, List<String> args) {
    public JavaCommand {
        jvmOptions = List.copyOf(jvmOptions);
        args = List.copyOf(args);
    }

    public static JavaCommand of(Class<?> main, List<String> args) {
        return new JavaCommand(List.of(), main.getName(), args);
    }

    public JavaCommand withJvmOptions(List<String> options) {
        List<String> all = new ArrayList<>(jvmOptions);
        all.addAll(options);
        return new JavaCommand(all, mainClass, args);
    }

    /** The full command line: this JVM's {@code java}, the options, {@code -cp}, the main class, the arguments. */
    public List<String> commandLine() {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable().toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** The {@code java} of the running JVM, so children run on the same JDK as their helper. */
    public static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** This JVM's class path (a jar on it that names others in its manifest's Class-Path keeps doing so). */
    public static String classPath() {
        String cp = System.getProperty("java.class.path", "");
        if (cp.isBlank()) {
            throw new IllegalStateException("this JVM has no class path to hand to its children");
        }
        return cp;
    }

    /** The class path as entries, e.g. for {@code jshell --class-path}. */
    public static List<String> classPathEntries() {
        return List.of(classPath().split(File.pathSeparator));
    }
}
