import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the NoKV checkout a script belongs to. JBang runs scripts from a compiled jar in its
 * cache, so a script cannot see where its source lives; we look, in order, at: NOKV_HOME (or
 * -Dnokv.home), the directory of the ./jbang launcher that started us, the current directory
 * and its parents, and the catalogs registered with `jbang catalog add` (that is how
 * `jbang tso@nokv` finds the checkout from any directory).
 */
public final class NokvCheckout {
    private static final Pattern CATALOG_REF = Pattern.compile("\"catalog-ref\"\\s*:\\s*\"([^\"]+)\"");

    private NokvCheckout() {
    }

    public static Path require() {
        return find().orElseThrow(() -> new ScriptFailure(
                "cannot find the NoKV checkout: run from inside it, set NOKV_HOME, or register its catalog with "
                        + "`jbang catalog add --global --name nokv <checkout>/jbang-catalog.json`"));
    }

    public static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getProperty("nokv.home", System.getenv("NOKV_HOME"));
        if (home != null && !home.isBlank()) {
            Path p = Path.of(home).toAbsolutePath().normalize();
            if (!isCheckout(p)) {
                throw new ScriptFailure("NOKV_HOME=" + home + " is not a NoKV checkout (no pom.xml of nokv-parent and mvnw there)");
            }
            return Optional.of(p);
        }
        String launcher = System.getenv("JBANG_LAUNCH_CMD");
        if (launcher != null && !launcher.isBlank()) {
            candidates.add(Path.of(launcher).toAbsolutePath().getParent());
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p);
        }
        candidates.addAll(registeredCatalogDirs());
        return candidates.stream().filter(p -> p != null && isCheckout(p)).map(Path::normalize).findFirst();
    }

    static boolean isCheckout(Path dir) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom) || !Files.isRegularFile(dir.resolve("mvnw"))) {
            return false;
        }
        try {
            return Files.readString(pom).contains("<artifactId>nokv-parent</artifactId>");
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> registeredCatalogDirs() {
        String jbangDir = System.getenv("JBANG_DIR");
        Path userCatalog = (jbangDir != null && !jbangDir.isBlank()
                ? Path.of(jbangDir) : Path.of(System.getProperty("user.home"), ".jbang")).resolve("jbang-catalog.json");
        List<Path> dirs = new ArrayList<>();
        try {
            Matcher m = CATALOG_REF.matcher(Files.readString(userCatalog));
            while (m.find()) {
                Path ref = Path.of(m.group(1));
                if (ref.isAbsolute() && ref.getParent() != null) {
                    dirs.add(ref.getParent());
                }
            }
        } catch (IOException | RuntimeException e) {
            // No user catalog, or one we cannot read: nothing registered.
        }
        return dirs;
    }
}
