package io.nokv.client;

import io.nokv.tso.TsoClient;
import io.nokv.tso.TsoException;

/**
 * Fresh timestamps from the TSO through {@link TsoClient#next()}: each is allocated after the call
 * began (a transaction never starts below a commit another client already made), and concurrent
 * callers share one request. Never {@link TsoClient#nextUnique()}, whose cached ranges lack that
 * ordering.
 */
final class Timestamps {
    private final TsoClient tso;

    Timestamps(String url) {
        this.tso = new TsoClient(url, 1);
    }

    long next() {
        try {
            return tso.next();
        } catch (TsoException e) {
            throw new NokvException(e.getMessage(), e);
        }
    }
}
