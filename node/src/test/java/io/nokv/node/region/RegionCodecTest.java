package io.nokv.node.region;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionCodecTest {
    static RegionMeta meta(long id, String start, String end, RegionState state, RegionPeer... peers) {
        return new RegionMeta(id, start.getBytes(StandardCharsets.UTF_8), end.getBytes(StandardCharsets.UTF_8),
                new RegionEpoch(3, 7), List.of(peers), state);
    }

    @Test
    void roundTrips() {
        RegionMeta m = new RegionMeta(42, new byte[] {0, (byte) 0xff}, new byte[] {1}, new RegionEpoch(3, 7),
                List.of(new RegionPeer(1, 101), new RegionPeer(2, 201)), RegionState.REMOVING);
        assertEquals(m, RegionCodec.decode(RegionCodec.encode(m)));
        RegionMeta unbounded = meta(1, "", "", RegionState.NEW);
        assertEquals(unbounded, RegionCodec.decode(RegionCodec.encode(unbounded)));
    }

    @Test
    void refusesCorruptOrUnknownEncodings() {
        byte[] good = RegionCodec.encode(meta(5, "a", "b", RegionState.RUNNING, new RegionPeer(1, 2)));
        byte[] future = good.clone();
        future[0] = 2;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegionCodec.decode(future)).getMessage().contains("format 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegionCodec.decode(Arrays.copyOf(good, good.length - 1)))
                .getMessage().contains("truncated"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegionCodec.decode(Arrays.copyOf(good, good.length + 3)))
                .getMessage().contains("trailing"));
        byte[] badState = good.clone();
        badState[25] = 9;
        assertThrows(IllegalArgumentException.class, () -> RegionCodec.decode(badState));
        assertThrows(IllegalArgumentException.class, () -> RegionCodec.decode(new byte[0]));
    }

    @Test
    void metadataKeys() {
        assertEquals("region/17", RegionCodec.metadataKey(17));
        assertEquals(17, RegionCodec.idOfKey("region/17"));
        assertEquals(-1, RegionCodec.idOfKey("region/x"));
        assertEquals(-1, RegionCodec.idOfKey("regions/1"));
        assertEquals(-1, RegionCodec.idOfKey("region/"));
    }

    @Test
    void containsIsHalfOpenAndUnsigned() {
        RegionMeta m = meta(1, "b", "d", RegionState.RUNNING);
        assertTrue(m.contains("b".getBytes()));
        assertTrue(m.contains("cz".getBytes()));
        assertFalse(m.contains("d".getBytes()));
        assertFalse(m.contains("a".getBytes()));
        RegionMeta tail = new RegionMeta(2, new byte[] {0x7f}, new byte[0], new RegionEpoch(1, 1), List.of(), RegionState.RUNNING);
        assertTrue(tail.contains(new byte[] {(byte) 0x80}));
        assertTrue(meta(3, "", "", RegionState.RUNNING).contains(new byte[0]));
    }

    @Test
    void invalidMetaIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> meta(1, "m", "a", RegionState.RUNNING));
        assertThrows(IllegalArgumentException.class, () -> meta(1, "", "", RegionState.RUNNING, new RegionPeer(1, 1), new RegionPeer(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> meta(0, "", "", RegionState.RUNNING));
    }

    @Test
    void stateTransitionsFollowTheGoLifeCycle() {
        assertTrue(RegionState.NEW.canBecome(RegionState.RUNNING));
        assertTrue(RegionState.RUNNING.canBecome(RegionState.REMOVING));
        assertTrue(RegionState.RUNNING.canBecome(RegionState.TOMBSTONE));
        assertTrue(RegionState.REMOVING.canBecome(RegionState.TOMBSTONE));
        assertTrue(RegionState.TOMBSTONE.canBecome(RegionState.TOMBSTONE));
        assertFalse(RegionState.TOMBSTONE.canBecome(RegionState.RUNNING));
        assertFalse(RegionState.NEW.canBecome(RegionState.TOMBSTONE));
        assertFalse(RegionState.REMOVING.canBecome(RegionState.RUNNING));
        assertEquals(RegionState.TOMBSTONE, RegionState.parse("Tombstone"));
        assertThrows(IllegalArgumentException.class, () -> RegionState.parse("zombie"));
    }
}
