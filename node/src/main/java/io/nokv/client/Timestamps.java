package io.nokv.client;

import io.nokv.tso.TsoClient;
import io.nokv.tso.TsoException;

/**
 * Fresh timestamps from the TSO, one request each and concurrently. Not {@link TsoClient#next()}:
 * it hands out a locally cached range (a transaction could start below a commit another client
 * already made, and miss it) and holds a lock across the HTTP call (every thread would queue
 * behind one request).
 */
final class Timestamps {
    private final TsoClient tso;

    Timestamps(String url) {
        this.tso = new TsoClient(url, 1);
    }

    long next() {
        try {
            return tso.fetch(1).first();
        } catch (TsoException e) {
            throw new NokvException(e.getMessage(), e);
        }
    }
}
