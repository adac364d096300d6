package io.nokv.node.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real child JVMs writing and mapping an archive; CDS takes classes from jars only, so the child runs from a jar. */
class ClassDataSharingTest {
    @TempDir
    Path dir;

    Path childJar() throws Exception {
        Path jar = dir.resolve("child.jar");
        String entry = ChildMain.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(entry));
            j.write(ChildMain.class.getResourceAsStream("/" + entry).readAllBytes());
        }
        return jar;
    }

    int run(Path jar, List<String> jvmOptions, String line) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JavaCommand.javaExecutable().toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", jar.toString(), ChildMain.class.getName(), "exit", "0", line));
        SupervisedProcess p = SupervisedProcess.start("child", cmd, dir, dir.resolve("child.log"));
        int code = p.awaitStop(Duration.ofMinutes(1));
        assertEquals(List.of(line), ownLines(p), "the archive's own diagnostics stay out of the child's output");
        return code;
    }

    @Test
    void oneChildWritesTheArchiveAtExitAndLaterChildrenMapIt() throws Exception {
        Path jar = childJar();
        ClassDataSharing cds = ClassDataSharing.in(dir.resolve("cds"), List.of(jar.toString()));
        assertEquals(List.of(), cds.jvmOptions(false), "no archive yet, and this child is not the one to make it");
        List<String> dumping = cds.jvmOptions(true);
        assertTrue(dumping.get(0).startsWith("-XX:ArchiveClassesAtExit="), dumping.toString());
        assertEquals(0, run(jar, dumping, "dumping"));
        assertFalse(Files.exists(cds.archive()), "not in place before publish");
        assertTrue(cds.publish());
        assertTrue(Files.size(cds.archive()) > 0);

        List<String> mapping = cds.jvmOptions(false);
        assertEquals("-XX:SharedArchiveFile=" + cds.archive(), mapping.get(0));
        assertEquals(0, run(jar, mapping, "mapped"));
        assertFalse(cds.publish(), "nothing new to publish");
    }

    @Test
    void aClassPathWithADirectoryGetsNoArchive() {
        ClassDataSharing cds = ClassDataSharing.in(dir.resolve("cds"), List.of(dir.toString()));
        assertEquals(List.of(), cds.jvmOptions(true));
    }

    @Test
    void theArchivesNameChangesWithAnyClassPathEntry() throws Exception {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {1});
        String before = ClassDataSharing.fingerprint(List.of(jar.toString()));
        Files.write(jar, new byte[] {1, 2});
        assertNotEquals(before, ClassDataSharing.fingerprint(List.of(jar.toString())));
    }

    /** The child's lines without the JVM's own notice about JAVA_TOOL_OPTIONS (set in some environments). */
    static List<String> ownLines(SupervisedProcess p) {
        return p.lines().stream().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS:")).toList();
    }
}
