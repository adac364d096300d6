package io.nokv.node.region;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionProtosTest {
    static final RegionMeta REGION = new RegionMeta(7, new byte[] {'a'}, new byte[] {(byte) 0xf0},
            new RegionEpoch(2, 5), List.of(new RegionPeer(1, 107), new RegionPeer(3, 307)), RegionState.TOMBSTONE);

    @Test
    void roundTripsEveryField() {
        io.nokv.node.kv.proto.RegionMeta p = RegionProtos.toProto(REGION);
        assertEquals("tombstone", p.getState());
        assertEquals(5, p.getEpochConfVersion());
        assertEquals(2, p.getPeersCount());
        assertEquals(REGION, RegionProtos.fromProto(p));
        for (RegionState s : RegionState.values()) {
            assertEquals(s, RegionProtos.fromProto(RegionProtos.toProto(REGION.withState(s))).state());
        }
    }

    @Test
    void anEmptyStateOnTheWireIsRunningAndAnUnknownOneIsRefused() {
        var p = RegionProtos.toProto(REGION).toBuilder();
        assertEquals(RegionState.RUNNING, RegionProtos.fromProto(p.setState("").build()).state());
        assertEquals(RegionState.RUNNING, RegionProtos.fromProto(p.setState("Running").build()).state());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegionProtos.fromProto(p.setState("split").build()));
        assertTrue(e.getMessage().contains("split"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RegionProtos.fromProto(p.setState("").setStartKey(ByteString.copyFrom(new byte[] {(byte) 0xf1})).build()),
                "start after end");
    }

    @Test
    void epochsOrderByVersionThenConfVersion() {
        assertTrue(new RegionEpoch(2, 0).compareTo(new RegionEpoch(1, 9)) > 0);
        assertTrue(new RegionEpoch(1, 3).compareTo(new RegionEpoch(1, 4)) < 0);
        assertEquals(0, new RegionEpoch(1, 3).compareTo(new RegionEpoch(1, 3)));
        assertEquals(new RegionEpoch(1, 4), new RegionEpoch(1, 3).nextConf());
    }
}
