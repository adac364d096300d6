package io.nokv.engine.sst;

import java.util.Arrays;

/** A growable byte buffer with the little-endian and varint writers the table format uses. */
final class ByteSink {
    private byte[] buf;
    private int size;

    ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    int size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    void reset() {
        size = 0;
    }

    void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    void write(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    void writeIntLE(int v) {
        ensure(4);
        Bytes.putIntLE(buf, size, v);
        size += 4;
    }

    void writeLongLE(long v) {
        ensure(8);
        Bytes.putLongLE(buf, size, v);
        size += 8;
    }

    void writeVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void writeLengthPrefixed(byte[] bytes) {
        writeVarint(bytes.length);
        write(bytes, 0, bytes.length);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
