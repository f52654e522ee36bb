package org.kmemdump.api;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An ELF core of the running process's zones, as {@code kmemdump:dump} writes it, for bundles that
 * hand one out (the Web Console page, the Inventory's status zip). Sensitive zones are zeros: this
 * service never writes their bytes.
 */
@ProviderType
public interface LiveDump {
    /**
     * @param file the core file to write (replaced if it exists)
     * @return one line saying what was written: how many zones, how many lost, how many sensitive left out
     * @throws IllegalArgumentException when {@code file} is null
     * @throws IOException when the file cannot be written
     */
    String write(Path file) throws IOException;
}
