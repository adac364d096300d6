package io.nokv.tso;

/** {@code count} consecutive timestamps starting at {@code first}. */
public record TimestampRange(long first, int count) {
    public long last() {
        return first + count - 1;
    }
}
