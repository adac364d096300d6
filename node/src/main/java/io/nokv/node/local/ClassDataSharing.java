package io.nokv.node.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Application class-data sharing for the children of a helper: the classes a store loads (Ratis,
 * gRPC, Netty, the engine: about 40 MB) are archived once and mapped by every later JVM instead of
 * being loaded and verified again. On two busy cores a store's JVM then reaches "listening" in
 * about half the time (docs/cluster.md, "Figures").
 *
 * <p>Java 17 has no self-managing archive ({@code -XX:+AutoCreateSharedArchive} came in 19), so:
 * when the archive for this class path is missing, one child is started with
 * {@code -XX:ArchiveClassesAtExit} (it writes the archive when it stops), and {@link #publish}
 * moves the finished file into place; when it exists, every child maps it. The archive's name
 * carries a fingerprint of the JDK and of every class-path entry (path, size, time), so a rebuilt
 * jar never meets an archive made for the old one.
 */
public final class ClassDataSharing {
    private final Path archive;
    private final Path pending;
    /** CDS archives classes from jars only: a class path with a directory (an IDE's, a test's) gets none. */
    private final boolean usable;

    private ClassDataSharing(Path dir, List<String> classPath) {
        String fingerprint = fingerprint(classPath);
        this.archive = dir.resolve("classes-" + fingerprint + ".jsa");
        this.pending = dir.resolve("classes-" + fingerprint + ".jsa." + ProcessHandle.current().pid() + ".pending");
        this.usable = classPath.stream().noneMatch(e -> new File(e).isDirectory());
    }

    /** Archives for this JVM's class path, kept in {@code dir}. */
    public static ClassDataSharing in(Path dir) {
        return in(dir, JavaCommand.classPathEntries());
    }

    /**
     * Archives for this JVM's class path in the user's cache ({@code $XDG_CACHE_HOME/nokv/cds}, else
     * {@code ~/.cache/nokv/cds}), shared by every cluster and checkout: the name tells them apart.
     */
    public static ClassDataSharing inUserCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return in(cache.resolve("nokv").resolve("cds"));
    }

    static ClassDataSharing in(Path dir, List<String> classPath) {
        return new ClassDataSharing(dir, classPath);
    }

    public Path archive() {
        return archive;
    }

    /**
     * JVM options for one child: map the archive when it exists; otherwise, when {@code create},
     * have this child write it at exit (give {@code create} to one child only).
     */
    public List<String> jvmOptions(boolean create) {
        if (!usable) {
            return List.of();
        }
        // The dump warns about every class it cannot archive (e.g. Java 5 class files): not a store's business.
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }
        if (!create) {
            return List.of();
        }
        try {
            Files.createDirectories(archive.getParent());
            Files.deleteIfExists(pending);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + pending + ": " + e.getMessage(), e);
        }
        return List.of("-XX:ArchiveClassesAtExit=" + pending, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    /**
     * After the children stopped: moves an archive a child wrote into place and drops archives of
     * other class paths not used for a week (other checkouts' may still be in use). Returns whether
     * an archive was published.
     */
    public boolean publish() {
        if (!Files.isRegularFile(pending)) {
            return false;
        }
        try {
            Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long weekAgo = System.currentTimeMillis() - Duration.ofDays(7).toMillis();
            try (Stream<Path> old = Files.list(archive.getParent())) {
                for (Path p : (Iterable<Path>) old::iterator) {
                    if (p.getFileName().toString().startsWith("classes-") && !p.equals(archive)
                            && Files.getLastModifiedTime(p).toMillis() < weekAgo) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + archive + ": " + e.getMessage(), e);
        }
    }

    static String fingerprint(List<String> classPath) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((System.getProperty("java.home") + "\n" + System.getProperty("java.vm.version") + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (String entry : classPath) {
                File f = new File(entry);
                sha.update((entry + "\t" + f.length() + "\t" + f.lastModified() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
