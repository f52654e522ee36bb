package org.kmemdump.directory.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.kmemdump.directory.KmemdumpDirectory;

/** The lock on a kmemdump directory, in its {@value KmemdumpDirectory#LOCK_FILE} file: one runtime per directory. */
final class DirectoryLock implements AutoCloseable {
    private final FileLock lock;

    private DirectoryLock(FileLock lock) {
        this.lock = lock;
    }

    /**
     * Locks a {@link #prepare prepared} directory. The lock file is opened without following links:
     * a link there would make the runtime create or lock a file outside the directory.
     *
     * @throws IOException naming the directory, when another runtime (in this JVM or another) holds it,
     *                     or the lock file cannot be opened
     */
    static DirectoryLock take(Path directory) throws IOException {
        Path lockFile = directory.resolve(KmemdumpDirectory.LOCK_FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new IOException("cannot open " + lockFile + " without following links: " + e.getMessage(), e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException(directory + " is in use by another kmemdump runtime; give this one its own -D"
                        + KmemdumpDirectory.PROPERTY);
            }
            return new DirectoryLock(lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Creates the directory with owner-only permissions if it does not exist, and refuses one that
     * others could write to or that is not ours: the files in it will hold process memory.
     *
     * @return the directory's real path
     * @throws IOException naming the directory and what is wrong with it
     */
    static Path prepare(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory.getParent());
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
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
        return directory.toRealPath();
    }

    /** Releases the lock and closes the lock file; the file stays. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lock.acquiredBy().close();
        }
    }
}
