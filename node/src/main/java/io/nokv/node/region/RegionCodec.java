package io.nokv.node.region;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The persisted form of a {@link RegionMeta} (value of the engine metadata entry
 * {@code region/<id>}). Format 1, big-endian (see {@code docs/node.md}, "Region catalog"):
 * <pre>
 * u8 format(=1) | u64 id | u64 epoch.version | u64 epoch.conf_version | u8 state
 * | u32 len, start key | u32 len, end key | u32 n, n × (u64 store_id, u64 peer_id)
 * </pre>
 * A reader refuses formats it does not know rather than guess; a new field means a new format.
 */
public final class RegionCodec {
    public static final int FORMAT = 1;
    public static final String KEY_PREFIX = "region/";

    private RegionCodec() {
    }

    /** The metadata key of region {@code id}: {@code region/<id>} in decimal. */
    public static String metadataKey(long id) {
        return KEY_PREFIX + id;
    }

    /** The region id named by a metadata key, or -1 when the key is not a region entry. */
    public static long idOfKey(String key) {
        if (!key.startsWith(KEY_PREFIX)) {
            return -1;
        }
        String digits = key.substring(KEY_PREFIX.length());
        if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static byte[] encode(RegionMeta meta) {
        byte[] start = meta.startKey();
        byte[] end = meta.endKey();
        ByteBuffer buf = ByteBuffer.allocate(1 + 8 * 3 + 1 + 4 + start.length + 4 + end.length + 4 + 16 * meta.peers().size());
        buf.put((byte) FORMAT).putLong(meta.id()).putLong(meta.epoch().version()).putLong(meta.epoch().confVersion())
                .put((byte) meta.state().code());
        buf.putInt(start.length).put(start).putInt(end.length).put(end).putInt(meta.peers().size());
        for (RegionPeer p : meta.peers()) {
            buf.putLong(p.storeId()).putLong(p.peerId());
        }
        return buf.array();
    }

    /** @throws IllegalArgumentException naming the problem when {@code bytes} is not a format-1 region */
    public static RegionMeta decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        try {
            int format = Byte.toUnsignedInt(buf.get());
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown region encoding format " + format + " (this build reads " + FORMAT + ")");
            }
            long id = buf.getLong();
            RegionEpoch epoch = new RegionEpoch(buf.getLong(), buf.getLong());
            RegionState state = RegionState.ofCode(Byte.toUnsignedInt(buf.get()));
            byte[] start = bytes(buf);
            byte[] end = bytes(buf);
            int n = buf.getInt();
            if (n < 0) {
                throw new IllegalArgumentException("bad peer count " + n);
            }
            if (n > buf.remaining() / 16) {
                throw new BufferUnderflowException();
            }
            List<RegionPeer> peers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                peers.add(new RegionPeer(buf.getLong(), buf.getLong()));
            }
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException(buf.remaining() + " trailing bytes");
            }
            return new RegionMeta(id, start, end, epoch, peers, state);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated region encoding (" + bytes.length + " bytes)");
        }
    }

    private static byte[] bytes(ByteBuffer buf) {
        int len = buf.getInt();
        if (len < 0) {
            throw new IllegalArgumentException("bad key length " + len);
        }
        if (len > buf.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] out = new byte[len];
        buf.get(out);
        return out;
    }
}
