package io.nokv.engine.db;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.Options;

import java.nio.file.Path;
import java.util.Random;

/**
 * Not a test: the cost of the per-read accounting hook ({@link KeyActivity#read}) in isolation, in
 * ns per call, single thread, over 200k distinct 16-byte keys in random order (readrandom's
 * shape). Run: {@code ./mvnw -q -B -pl engine test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.nokv.engine.db.KeyActivityBench}.
 */
public final class KeyActivityBench {
    public static void main(String[] args) {
        int keys = 200_000;
        byte[][] data = new byte[keys][];
        Random rnd = new Random(42);
        for (int i = 0; i < keys; i++) {
            data[i] = new byte[16];
            rnd.nextBytes(data[i]);
        }
        int[] order = new int[1 << 22];
        for (int i = 0; i < order.length; i++) {
            order[i] = rnd.nextInt(keys);
        }
        byte[] value = new byte[100];
        for (int round = 0; round < 5; round++) {
            for (int[] setting : new int[][] {{0, 8}, {16, 8}, {16, 1}}) {
                KeyActivity a = new KeyActivity(Options.at(Path.of("unused")).hotKeyTopN(setting[0]).hotKeySampleEvery(setting[1]));
                long start = System.nanoTime();
                for (int i : order) {
                    a.read(ColumnFamily.DEFAULT, data[i], value);
                }
                double ns = (System.nanoTime() - start) / (double) order.length;
                System.out.printf("round %d  topN=%-2d sampleEvery=%d  %6.1f ns/read%n", round, setting[0], setting[1], ns);
            }
        }
    }
}
