package io.nokv.engine.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing shared by the WAL and the manifest edit log:
 * {@code [u32 length][u32 CRC32C over type + payload][u8 type][payload]}, big-endian.
 *
 * <p>The length counts the payload only. Type 0 is never written, so a zero-filled region can
 * never hold a record whose checksum matches (CRC32C of a lone zero byte is not zero).
 */
public final class RecordFormat {
    public static final int HEADER_BYTES = 9;

    private RecordFormat() {
    }

    public static int framedSize(int payloadBytes) {
        return HEADER_BYTES + payloadBytes;
    }

    /** Writes one framed record at {@code out}'s position; {@code crc} is scratch state, reset here. */
    public static void put(ByteBuffer out, byte type, byte[] payload, CRC32C crc) {
        crc.reset();
        crc.update(type);
        crc.update(payload, 0, payload.length);
        out.putInt(payload.length);
        out.putInt((int) crc.getValue());
        out.put(type);
        out.put(payload);
    }

    /** One framed record as a fresh array (for the manifest, whose edits are rare and small). */
    public static byte[] frame(byte type, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(framedSize(payload.length));
        put(out, type, payload, new CRC32C());
        return out.array();
    }

    static int checksum(CRC32C crc, byte type, byte[] data, int offset, int length) {
        crc.reset();
        crc.update(type);
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }
}
