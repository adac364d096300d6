package io.nokv.node.raft;

import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;

import java.util.UUID;

/** The fixed mapping between NoKV identities and Ratis ones; every store computes the same ids. */
public final class RegionGroups {
    private RegionGroups() {
    }

    /** High half of every region group's UUID: ASCII "nokv" then zeros. */
    private static final long MAGIC = 0x6e6f6b7600000000L;

    /**
     * {@code UUID(MAGIC, regionId)}: deterministic on every store, and reversible, so a store that is
     * asked to host a group it has never heard of (a conf change adding it) knows which region it is.
     */
    public static RaftGroupId groupId(long regionId) {
        return RaftGroupId.valueOf(new UUID(MAGIC, regionId));
    }

    /** The region id of one of our group ids, or -1 for a foreign group. */
    public static long regionIdOf(RaftGroupId groupId) {
        UUID u = groupId.getUuid();
        return u.getMostSignificantBits() == MAGIC ? u.getLeastSignificantBits() : -1;
    }

    /** One Ratis server per store: its peer id is {@code s<storeId>}. */
    public static RaftPeerId peerId(long storeId) {
        return RaftPeerId.valueOf("s" + storeId);
    }

    /** The store id encoded in a Ratis peer id, or -1 when it is not one of ours. */
    public static long storeIdOf(RaftPeerId peerId) {
        String s = peerId == null ? "" : peerId.toString();
        if (s.length() < 2 || s.charAt(0) != 's') {
            return -1;
        }
        try {
            return Long.parseLong(s.substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
