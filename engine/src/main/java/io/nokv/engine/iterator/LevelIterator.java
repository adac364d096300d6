package io.nokv.engine.iterator;

import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;

import java.util.List;
import java.util.function.Function;

/**
 * Iterates the files of one level (L1 and deeper: key ranges do not overlap, files sorted by
 * smallest key) as one sorted stream. Only the file under the cursor is open: files are opened
 * through {@code opener} when the cursor enters them and closed when it leaves, so a scan over a
 * level with thousands of files holds one table iterator at a time.
 */
public final class LevelIterator implements InternalIterator {
    private final FileMeta[] files;
    private final Function<FileMeta, InternalIterator> opener;
    private int fileIndex = -1;
    private InternalIterator current;

    public LevelIterator(List<FileMeta> files, Function<FileMeta, InternalIterator> opener) {
        this.files = files.toArray(new FileMeta[0]);
        this.opener = opener;
    }

    @Override
    public boolean valid() {
        return current != null && current.valid();
    }

    @Override
    public void seekToFirst() {
        if (openFile(0)) {
            current.seekToFirst();
            skipEmptyForward();
        }
    }

    @Override
    public void seekToLast() {
        if (openFile(files.length - 1)) {
            current.seekToLast();
            skipEmptyBackward();
        }
    }

    @Override
    public void seek(byte[] internalKey) {
        if (openFile(firstFileEndingAtOrAfter(internalKey))) {
            current.seek(internalKey);
            skipEmptyForward();
        }
    }

    @Override
    public void seekForPrev(byte[] internalKey) {
        // The only file that can hold the last key <= target is the first one whose largest key
        // reaches the target (or the last file, when the target is past every file).
        int index = Math.min(firstFileEndingAtOrAfter(internalKey), files.length - 1);
        if (openFile(index)) {
            current.seekForPrev(internalKey);
            skipEmptyBackward();
        }
    }

    @Override
    public void next() {
        requireValid();
        current.next();
        skipEmptyForward();
    }

    @Override
    public void prev() {
        requireValid();
        current.prev();
        skipEmptyBackward();
    }

    @Override
    public byte[] key() {
        requireValid();
        return current.key();
    }

    @Override
    public byte[] value() {
        requireValid();
        return current.value();
    }

    @Override
    public void close() {
        closeCurrent();
        fileIndex = -1;
    }

    private void skipEmptyForward() {
        while (!current.valid()) {
            if (!openFile(fileIndex + 1)) {
                return;
            }
            current.seekToFirst();
        }
    }

    private void skipEmptyBackward() {
        while (!current.valid()) {
            if (!openFile(fileIndex - 1)) {
                return;
            }
            current.seekToLast();
        }
    }

    /** Positions on file {@code index}, reusing the open iterator when it is the same file. */
    private boolean openFile(int index) {
        if (index < 0 || index >= files.length) {
            closeCurrent();
            fileIndex = index < 0 ? -1 : files.length;
            return false;
        }
        if (index == fileIndex && current != null) {
            return true;
        }
        closeCurrent();
        fileIndex = index;
        current = opener.apply(files[index]);
        return true;
    }

    private void closeCurrent() {
        if (current != null) {
            InternalIterator closing = current;
            current = null;
            closing.close();
        }
    }

    /** Binary search over the files' largest keys; {@code files.length} when every file ends before the key. */
    private int firstFileEndingAtOrAfter(byte[] internalKey) {
        int lo = 0;
        int hi = files.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (InternalKey.compare(files[mid].largest(), internalKey) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void requireValid() {
        if (!valid()) {
            throw new IllegalStateException("iterator is not positioned on an entry");
        }
    }
}
