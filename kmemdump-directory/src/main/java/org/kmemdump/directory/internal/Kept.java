package org.kmemdump.directory.internal;

import java.io.Closeable;
import java.io.IOException;

import org.kmemdump.directory.KeptFile;

/** A kept file and what lets go of its name in the directory once the file is closed. */
final class Kept<T extends Closeable> implements KeptFile<T> {
    private final T file;
    private final Runnable letGo;
    private boolean closed;

    Kept(T file, Runnable letGo) {
        this.file = file;
        this.letGo = letGo;
    }

    @Override
    public T file() {
        return file;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            file.close();
        } finally {
            letGo.run();
        }
    }
}
