package io.nokv.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollTest {
    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger calls = new AtomicInteger();
        Poll.until("three calls", Duration.ofSeconds(10), () -> calls.incrementAndGet() >= 3);
        assertEquals(3, calls.get());
    }

    @Test
    void timesOutNamingWhatItAwaitedWithTheLastFailure() {
        IllegalStateException cause = new IllegalStateException("not yet");
        AssertionError e = assertThrows(AssertionError.class, () -> Poll.until("the moon", Duration.ofMillis(100), () -> {
            throw cause;
        }));
        assertTrue(e.getMessage().contains("the moon"), e.getMessage());
        assertSame(cause, e.getCause());
    }
}
