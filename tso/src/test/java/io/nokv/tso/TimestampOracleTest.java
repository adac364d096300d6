package io.nokv.tso;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimestampOracleTest {
    @TempDir
    Path dir;

    @Test
    void freshOracleStartsAtStartAndHandsOutContiguousRanges() throws IOException {
        TimestampOracle o = new TimestampOracle(dir.resolve("new/nested"), 100, 10);
        assertEquals(100, o.allocate(1));
        assertEquals(101, o.allocate(5));
        assertEquals(106, o.allocate(20)); // crosses the window: limit extended first
        assertEquals(126, o.allocate(1));
        assertTrue(Files.exists(dir.resolve("new/nested/tso-limit")), "missing data dir is created");
    }

    @Test
    void reopenedOracleNeverGoesBack() throws IOException {
        long highest = 0;
        for (int round = 0; round < 5; round++) {
            TimestampOracle o = new TimestampOracle(dir, 1, 7);
            long first = o.allocate(3);
            assertTrue(first > highest, "round " + round + ": " + first + " must exceed " + highest);
            highest = o.allocate(13) + 12;
        }
    }

    @Test
    void startAboveThePersistedLimitWins() throws IOException {
        new TimestampOracle(dir, 1, 10).allocate(5);
        assertEquals(1_000, new TimestampOracle(dir, 1_000, 10).allocate(1));
        assertTrue(new TimestampOracle(dir, 1, 10).allocate(1) > 1_000);
    }

    @Test
    void leftOverTempFileIsIgnored() throws IOException {
        long before = new TimestampOracle(dir, 1, 10).allocate(1);
        Files.writeString(dir.resolve("tso-limit.tmp"), "half a wri");
        assertTrue(new TimestampOracle(dir, 1, 10).allocate(1) > before);
        assertFalse(Files.exists(dir.resolve("tso-limit.tmp")));
    }

    @Test
    void corruptLimitFileIsAClearErrorNotAReset() throws IOException {
        new TimestampOracle(dir, 1, 10).allocate(1);
        Path f = dir.resolve("tso-limit");
        String good = Files.readString(f);
        Files.writeString(f, good.replaceFirst(" (\\d+) ", " 999$1 "));
        IOException e = assertThrows(IOException.class, () -> new TimestampOracle(dir, 1, 10));
        assertTrue(e.getMessage().contains("corrupt TSO limit file") && e.getMessage().contains("checksum"), e.getMessage());

        Files.writeString(f, "garbage");
        e = assertThrows(IOException.class, () -> new TimestampOracle(dir, 1, 10));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TimestampOracle(dir, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new TimestampOracle(dir, 1, 0));
    }

    @Test
    void batchOutsideLimitsIsRejected() throws IOException {
        TimestampOracle o = new TimestampOracle(dir, 1, 10);
        assertThrows(IllegalArgumentException.class, () -> o.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> o.allocate(TimestampOracle.MAX_BATCH + 1));
        assertEquals(1, o.allocate(1), "rejected requests consume nothing");
    }

    @Test
    void startPlusWindowThatOverflowsIsRefusedAndPersistsNothing(@TempDir Path data) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimestampOracle(data, Long.MAX_VALUE - 10, 100));
        assertTrue(e.getMessage().contains("overflows"), e.getMessage());
        TimestampOracle ok = new TimestampOracle(data, 1, 100);
        assertEquals(1, ok.allocate(1), "a later start with sane flags is not blocked by a bad limit");
    }
}
