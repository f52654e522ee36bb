package org.kmemdump.directory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

import org.osgi.annotation.versioning.ConsumerType;

/** Opens (or creates) a file a bundle keeps, given its path. */
@ConsumerType
@FunctionalInterface
public interface FileOpener<T extends Closeable> {
    T open(Path file) throws IOException;
}
