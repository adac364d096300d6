package io.nokv.engine.manifest;

import io.nokv.engine.NoKVException;
import io.nokv.engine.record.DurableFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code CURRENT}, {@code CURRENT.tmp} and {@code MANIFEST-%06d}: naming, reading, atomic switching. */
final class ManifestFiles {
    static final String CURRENT = "CURRENT";
    static final String CURRENT_TMP = "CURRENT.tmp";
    private static final Pattern MANIFEST_NAME = Pattern.compile("MANIFEST-(\\d{6,18})");
    private static final int MAX_CURRENT_BYTES = 64;
    private static final System.Logger LOG = System.getLogger(Manifest.class.getName());

    private ManifestFiles() {
    }

    static String name(long number) {
        return String.format("MANIFEST-%06d", number);
    }

    static long number(String name) {
        Matcher m = MANIFEST_NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a manifest name: " + name);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * The manifest name {@code CURRENT} holds.
     *
     * @throws NoKVException when CURRENT is missing, unreadable, or holds anything but one manifest name
     */
    static String readCurrent(Path dir) {
        Path current = dir.resolve(CURRENT);
        byte[] content;
        try {
            if (Files.size(current) > MAX_CURRENT_BYTES) {
                throw new NoKVException(current + " does not name a manifest file (" + Files.size(current) + " bytes)");
            }
            content = Files.readAllBytes(current);
        } catch (NoSuchFileException e) {
            throw new NoKVException(dir + " is not a NoKV store (no CURRENT)", e);
        } catch (IOException e) {
            throw new NoKVException("cannot read " + current + ": " + e.getMessage(), e);
        }
        String text = new String(content, StandardCharsets.ISO_8859_1);
        String name = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (!MANIFEST_NAME.matcher(name).matches()) {
            throw new NoKVException(current + " does not name a manifest file (it holds \"" + printable(text) + "\")");
        }
        return name;
    }

    /**
     * Points CURRENT at {@code manifestName} atomically: write CURRENT.tmp, fsync, rename over
     * CURRENT, fsync the directory (which also makes the new manifest's own entry durable).
     */
    static void switchCurrent(Path dir, String manifestName) throws IOException {
        Path tmp = dir.resolve(CURRENT_TMP);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer content = ByteBuffer.wrap((manifestName + "\n").getBytes(StandardCharsets.US_ASCII));
            while (content.hasRemaining()) {
                out.write(content);
            }
            out.force(true);
        }
        Files.move(tmp, dir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.syncDirectory(dir);
    }

    /** Names of the manifest logs in {@code dir}. */
    static List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (MANIFEST_NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new NoKVException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return names;
    }

    /**
     * Removes what an interrupted switch leaves behind: {@code CURRENT.tmp} and every manifest
     * file except {@code keep} (null: every manifest file). Each removal is logged.
     */
    static void removeStrays(Path dir, String keep) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean stray = name.equals(CURRENT_TMP)
                        || (MANIFEST_NAME.matcher(name).matches() && !name.equals(keep));
                if (stray && Files.isRegularFile(entry)) {
                    Files.delete(entry);
                    LOG.log(System.Logger.Level.WARNING, "removed " + entry + ", left by an interrupted manifest switch"
                            + (keep == null ? "" : " (CURRENT names " + keep + ")"));
                }
            }
        } catch (IOException e) {
            throw new NoKVException("cannot remove stray manifest files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String printable(String text) {
        StringBuilder s = new StringBuilder();
        for (char c : text.toCharArray()) {
            s.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return s.toString();
    }
}
