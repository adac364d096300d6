package io.nokv.node.mvcc;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LockWriteCodecTest {

    @Test
    void lockRoundTripsEveryField() {
        for (Lock.Kind kind : Lock.Kind.values()) {
            Lock lock = new Lock(new byte[]{0, (byte) 0xFE, 'p'}, 42, 3000, kind, 77, 1_700_000_000_000L);
            assertEquals(lock, Lock.decode(lock.encode()));
        }
        Lock empty = new Lock(new byte[0], 1, 0, Lock.Kind.PUT, 0, 0);
        assertEquals(empty, Lock.decode(empty.encode()));
    }

    @Test
    void writeRoundTripsEveryKind() {
        for (Write.Kind kind : Write.Kind.values()) {
            Write w = new Write(kind, Long.MAX_VALUE - 2);
            assertEquals(w, Write.decode(w.encode()));
        }
    }

    @Test
    void corruptRecordsAreRejectedWithAMessage() {
        byte[] lock = new Lock(new byte[]{'p'}, 1, 2, Lock.Kind.PUT, 3, 4).encode();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Lock.decode(Arrays.copyOf(lock, lock.length - 1)));
        assertTrue(e.getMessage().contains("corrupt lock record"), e.getMessage());
        byte[] wrongFormat = lock.clone();
        wrongFormat[0] = 9;
        assertThrows(IllegalStateException.class, () -> Lock.decode(wrongFormat));
        byte[] write = new Write(Write.Kind.PUT, 5).encode();
        write[1] = 99;
        e = assertThrows(IllegalStateException.class, () -> Write.decode(write));
        assertTrue(e.getMessage().contains("unknown kind 99"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Write.decode(new byte[3]));
    }

    @Test
    void lockExpiresAtWallTimePlusTtl() {
        Lock lock = new Lock(new byte[]{'p'}, 1, 100, Lock.Kind.PUT, 0, 5000);
        assertTrue(!lock.isExpired(5099));
        assertTrue(lock.isExpired(5100));
        assertTrue(!new Lock(new byte[]{'p'}, 1, Long.MAX_VALUE, Lock.Kind.PUT, 0, 5000).isExpired(Long.MAX_VALUE - 1));
    }
}
