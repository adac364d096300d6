package io.nokv.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline; never sleep-and-hope. */
public final class Poll {
    private Poll() {
    }

    public static void until(String what, Duration timeout, Supplier<Boolean> cond) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(cond.get())) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
    }
}
