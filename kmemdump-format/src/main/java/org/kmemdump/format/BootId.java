package org.kmemdump.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The id Linux gives each boot ({@code /proc/sys/kernel/random/boot_id}), which the arena header
 * records: the owner's against the reader's tells a reboot apart from a pid and start time that
 * merely repeat.
 */
public final class BootId {
    static final Path FILE = Path.of("/proc/sys/kernel/random/boot_id");
    /** 36 characters and a newline; a bound keeps a strange /proc from making us read much. */
    private static final int LIMIT = 64;

    private BootId() {
    }

    /** @return this boot's id, or {@code null} when the system does not tell it (not Linux, /proc not mounted) */
    public static UUID current() {
        return read(FILE);
    }

    static UUID read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return UUID.fromString(new String(in.readNBytes(LIMIT), StandardCharsets.US_ASCII).strip());
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
