import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT and SIGTERM as an orderly stop: the JVM's default would exit at once (130/143) and leave
 * the children to zt-exec's exit hook; scripts want to print "Shutting down...", stop children in
 * order and exit 0.
 */
public final class Signals {
    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String name;

    public static Signals install() {
        Signals s = new Signals();
        for (String sig : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(sig), x -> {
                s.name = x.getName();
                s.received.countDown();
            });
        }
        return s;
    }

    public boolean received() {
        return received.getCount() == 0;
    }

    /** Waits up to {@code millis}; true when a signal arrived. */
    public boolean await(long millis) {
        try {
            return received.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    public String name() {
        return name;
    }
}
