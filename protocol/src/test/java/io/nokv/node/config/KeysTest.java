package io.nokv.node.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeysTest {
    @Test
    void unboundedSpellings() {
        assertEquals(0, Keys.decode(null).length);
        assertEquals(0, Keys.decode("").length);
        assertEquals(0, Keys.decode("-").length);
        assertEquals("-", Keys.format(new byte[0]));
    }

    @Test
    void plainAndHex() {
        assertArrayEquals("user".getBytes(StandardCharsets.UTF_8), Keys.decode("user"));
        assertArrayEquals(new byte[] {(byte) 0xff, 0x00, 0x41}, Keys.decode("hex:FF0041"));
        assertEquals("user", Keys.format("user".getBytes(StandardCharsets.UTF_8)));
        assertEquals("hex:ff0041", Keys.format(new byte[] {(byte) 0xff, 0x00, 0x41}));
    }

    @Test
    void formatRoundTripsKeysThatWouldReadBackDifferently() {
        byte[][] keys = {
                "-".getBytes(StandardCharsets.US_ASCII),
                "hex:ab".getBytes(StandardCharsets.US_ASCII),
                "a b".getBytes(StandardCharsets.US_ASCII),
                "é".getBytes(StandardCharsets.UTF_8),
                {0x00}, {(byte) 0x80, 0x7f}, "m".getBytes(StandardCharsets.US_ASCII),
                "\"q\\".getBytes(StandardCharsets.US_ASCII),
        };
        for (byte[] key : keys) {
            assertArrayEquals(key, Keys.decode(Keys.format(key)), Keys.format(key));
        }
        assertEquals("hex:2d", Keys.format("-".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("hex:612062", Keys.format("a b".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void badHexNamesTheValue() {
        for (String bad : new String[] {"hex:zz", "hex:abc", "hex:"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Keys.decode(bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void reservedPrefixIsTwoFfBytes() {
        assertTrue(Keys.isReserved(new byte[] {(byte) 0xff, (byte) 0xff}));
        assertTrue(Keys.isReserved(new byte[] {(byte) 0xff, (byte) 0xff, 'n'}));
        assertFalse(Keys.isReserved(new byte[] {(byte) 0xff}));
        assertFalse(Keys.isReserved(new byte[] {(byte) 0xff, (byte) 0xfe}));
        assertFalse(Keys.isReserved(null));
        byte[] prefix = Keys.reservedPrefix();
        prefix[0] = 0;
        assertTrue(Keys.isReserved(Keys.reservedPrefix()), "callers get a copy");
    }

    @Test
    void inRangeIsHalfOpenUnsignedWithEmptyBoundsUnbounded() {
        byte[] m = {'m'};
        assertTrue(Keys.inRange(m, new byte[0], new byte[0]));
        assertTrue(Keys.inRange(m, m, new byte[0]), "start is inclusive");
        assertFalse(Keys.inRange(m, new byte[0], m), "end is exclusive");
        assertTrue(Keys.inRange(new byte[] {(byte) 0x80}, m, new byte[0]), "unsigned: 0x80 sorts after 'm'");
        assertFalse(Keys.inRange(new byte[] {'a'}, m, null));
        assertTrue(Keys.inRange(new byte[] {'a'}, null, m));
    }
}
