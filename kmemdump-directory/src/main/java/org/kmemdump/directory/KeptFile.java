package org.kmemdump.directory;

import java.io.Closeable;
import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/** A file opened through {@link KmemdumpDirectory#keep}: the file, and its name's hold in the directory. */
@ProviderType
public interface KeptFile<T extends Closeable> extends Closeable {
    T file();

    /** Closes the file, then lets go of its name in the directory. */
    @Override
    void close() throws IOException;
}
