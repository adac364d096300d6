package io.nokv.node.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
