package io.nokv.tso;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGINT and SIGTERM into an orderly stop with exit code 0. The JVM's default handling runs
 * shutdown hooks but exits 130/143, which supervisors and scripts read as a failure.
 */
public final class ShutdownSignal {
    private final CountDownLatch received = new CountDownLatch(1);

    public static ShutdownSignal install() {
        ShutdownSignal s = new ShutdownSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), sig -> s.received.countDown());
        }
        return s;
    }

    public void await() throws InterruptedException {
        received.await();
    }

    /** Waits up to {@code timeout}; true when a signal arrived (or the wait was interrupted). */
    public boolean await(java.time.Duration timeout) {
        try {
            return received.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    public boolean received() {
        return received.getCount() == 0;
    }

    /** For embedding and tests: behave as if a signal arrived. */
    public void trigger() {
        received.countDown();
    }
}
