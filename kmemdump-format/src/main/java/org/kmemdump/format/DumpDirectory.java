package org.kmemdump.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The kmemdump directory: where the runtime keeps the files that outlive it (the arena, the
 * backends' tables) and where the collector looks. One runtime owns a directory at a time.
 *
 * <p>Set by the framework or system property {@value #PROPERTY}; the default is per user and on
 * tmpfs where there is one, so the files cost no disk I/O and vanish at reboot:
 * {@code /dev/shm/kmemdump-<user>}, else {@code <java.io.tmpdir>/kmemdump-<user>}.
 */
public final class DumpDirectory {
    public static final String PROPERTY = "kmemdump.directory";
    /** Where a new runtime moves the files of a run that did not shut down cleanly. */
    public static final String PREVIOUS = "previous";

    private DumpDirectory() {
    }

    /** @return the configured directory, or the default when {@code configured} is null or blank */
    public static Path resolve(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return parent.resolve("kmemdump-" + user);
    }

    /**
     * Creates the directory with owner-only permissions if it does not exist, and refuses one that
     * others could write to or that is not ours: the files in it will hold process memory.
     *
     * @throws IOException naming the directory and what is wrong with it
     */
    public static Path prepare(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory.getParent());
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process made it at the same moment: check it like any existing one
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException(directory + " is not a directory (a symbolic link or a file is not accepted)");
        }
        String me = System.getProperty("user.name");
        if (me != null && !attributes.owner().getName().equals(me)) {
            throw new IOException(directory + " belongs to " + attributes.owner().getName() + ", not to " + me);
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(directory + " is writable by others (" + PosixFilePermissions.toString(permissions)
                    + "): make it rwx------");
        }
        return directory;
    }
}
