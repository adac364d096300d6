package io.nokv.engine.sst;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Fixed-width little-endian access to byte arrays (VarHandles compile to single loads). */
final class Bytes {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Bytes() {
    }

    static int getIntLE(byte[] b, int off) {
        return (int) INT_LE.get(b, off);
    }

    static void putIntLE(byte[] b, int off, int v) {
        INT_LE.set(b, off, v);
    }

    static long getLongLE(byte[] b, int off) {
        return (long) LONG_LE.get(b, off);
    }

    static void putLongLE(byte[] b, int off, long v) {
        LONG_LE.set(b, off, v);
    }
}
