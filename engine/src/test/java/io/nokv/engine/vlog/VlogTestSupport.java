package io.nokv.engine.vlog;

import io.nokv.engine.Options;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** Small stores (tiny memtables and segments) so flush, rotation and GC happen within a quick test. */
final class VlogTestSupport {
    static final int THRESHOLD = 1024;

    private VlogTestSupport() {
    }

    static Options options(Path dir) {
        return Options.at(dir)
                .valueThreshold(THRESHOLD)
                .vlogSegmentBytes(64 << 10)
                .vlogGcIntervalMillis(0)
                .memtableBytes(64 << 10)
                .walSegmentBytes(64 << 10)
                .targetFileBytes(32 << 10)
                .levelBaseBytes(128 << 10)
                .blockCacheBytes(1 << 20);
    }

    static byte[] key(int i) {
        return String.format("key%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    /** A value naming its key and round; large ones pass the threshold. */
    static byte[] value(int key, int round, boolean large) {
        byte[] tag = ("k" + key + "r" + round + ";").getBytes(StandardCharsets.UTF_8);
        int size = large ? THRESHOLD + 100 + (key * 37 + round * 11) % 3000 : 10 + (key + round) % 90;
        byte[] v = new byte[size];
        for (int i = 0; i < size; i++) {
            v[i] = tag[i % tag.length];
        }
        return v;
    }

    static String show(byte[] v) {
        if (v == null) {
            return "null";
        }
        String s = new String(v, 0, Math.min(v.length, 24), StandardCharsets.UTF_8);
        return s + "...(" + v.length + " B)";
    }

    static boolean same(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }
}
