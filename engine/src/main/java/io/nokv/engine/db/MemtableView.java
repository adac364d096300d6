package io.nokv.engine.db;

import io.nokv.engine.memtable.Memtable;

/** The mutable memtable and the immutables waiting for flush (newest first), swapped as a unit. */
record MemtableView(Memtable mutable, Memtable[] immutables) {
    MemtableView withRotated(Memtable fresh) {
        Memtable[] imms = new Memtable[immutables.length + 1];
        imms[0] = mutable;
        System.arraycopy(immutables, 0, imms, 1, immutables.length);
        return new MemtableView(fresh, imms);
    }

    MemtableView withoutFlushed(Memtable flushed) {
        int n = 0;
        Memtable[] imms = new Memtable[immutables.length];
        for (Memtable m : immutables) {
            if (m != flushed) {
                imms[n++] = m;
            }
        }
        return new MemtableView(mutable, java.util.Arrays.copyOf(imms, n));
    }

    boolean holds(Memtable m) {
        if (m == mutable) {
            return true;
        }
        for (Memtable x : immutables) {
            if (x == m) {
                return true;
            }
        }
        return false;
    }
}
