package io.nokv.engine.wal;

import io.nokv.engine.NoKVException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names of WAL segment files: {@code %08d.log} of the segment id. */
final class WalSegments {
    private static final Pattern NAME = Pattern.compile("(\\d{8,18})\\.log");

    private WalSegments() {
    }

    static Path path(Path walDir, long segmentId) {
        return walDir.resolve(String.format("%08d.log", segmentId));
    }

    /** Every segment in {@code walDir} by id; other files are ignored. An absent directory has none. */
    static NavigableMap<Long, Path> list(Path walDir) {
        NavigableMap<Long, Path> segments = new TreeMap<>();
        if (!Files.isDirectory(walDir)) {
            return segments;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(walDir)) {
            for (Path entry : entries) {
                Matcher m = NAME.matcher(entry.getFileName().toString());
                if (m.matches()) {
                    segments.put(Long.parseLong(m.group(1)), entry);
                }
            }
        } catch (IOException e) {
            throw new NoKVException("cannot list WAL directory " + walDir + ": " + e.getMessage(), e);
        }
        return segments;
    }
}
