package org.kmemdump.format;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kmemdump directory: where the runtime keeps the files that outlive it (the arena, the
 * backends' tables) and where the collector looks. One runtime owns a directory at a time.
 *
 * <p>Everything in the runtime that writes files there (the core's arena, the backends' tables)
 * first {@link #claim claims} the directory: the first claim in a JVM takes the lock file, so one
 * runtime owns a directory at a time, and puts the files of a run that did not shut down cleanly
 * aside in {@value #PREVIOUS}, so a restart never destroys the evidence of a crash, whichever
 * bundle happens to start first.
 *
 * <p>Set by the framework or system property {@value #PROPERTY}; the default is per user and on
 * tmpfs where there is one, so the files cost no disk I/O and vanish at reboot:
 * {@code /dev/shm/kmemdump-<user>}, else {@code <java.io.tmpdir>/kmemdump-<user>}.
 */
public final class DumpDirectory {
    public static final String PROPERTY = "kmemdump.directory";
    /** Where a new runtime moves the files of a run that did not shut down cleanly. */
    public static final String PREVIOUS = "previous";
    public static final String LOCK_FILE = "lock";

    /** This JVM's claims, by directory: the lock is released when the last claimant closes. */
    private static final Map<Path, Holder> HOLDERS = new HashMap<>();

    private static final class Holder {
        final FileLock lock;
        int claimants;

        Holder(FileLock lock) {
            this.lock = lock;
        }
    }

    /** A hold on a directory; close it when the files it covers are closed. */
    public static final class Claim implements AutoCloseable {
        private final Path directory;
        private boolean closed;

        private Claim(Path directory) {
            this.directory = directory;
        }

        public Path directory() {
            return directory;
        }

        @Override
        public void close() throws IOException {
            synchronized (HOLDERS) {
                if (closed) {
                    return;
                }
                closed = true;
                Holder holder = HOLDERS.get(directory);
                if (--holder.claimants == 0) {
                    HOLDERS.remove(directory);
                    holder.lock.release();
                    holder.lock.acquiredBy().close();
                }
            }
        }
    }

    /** Opens (or creates) a file a backend keeps, given its path. */
    @FunctionalInterface
    public interface Opener<T extends Closeable> {
        T open(Path file) throws IOException;
    }

    /** A backend's open file and, when it lies in the kmemdump directory, the claim on the directory. */
    public static final class Kept<T extends Closeable> implements Closeable {
        private final T file;
        private final Claim claim;

        private Kept(T file, Claim claim) {
            this.file = file;
            this.claim = claim;
        }

        public T file() {
            return file;
        }

        /** Closes the file, then lets go of the directory. */
        @Override
        public void close() throws IOException {
            try {
                file.close();
            } finally {
                if (claim != null) {
                    claim.close();
                }
            }
        }
    }

    /**
     * Opens a backend's file: {@code name} in the kmemdump directory, {@link #claim claimed} first
     * (so a crashed run's files are put aside before the backend touches its own) and released
     * again if the file cannot be opened; or, when {@code configuredFile} is not blank, that file,
     * with no claim.
     *
     * @param directory      the framework property {@value #PROPERTY}, null or blank for the default
     * @param configuredFile a path configured for the file, null or blank for {@code name} in the directory
     * @throws IOException naming the directory or the file, when either is unusable
     */
    public static <T extends Closeable> Kept<T> keep(String directory, String configuredFile, String name, Opener<T> opener)
            throws IOException {
        if (configuredFile != null && !configuredFile.isBlank()) {
            return new Kept<>(opener.open(Path.of(configuredFile).toAbsolutePath()), null);
        }
        Claim claim = claim(resolve(directory));
        try {
            return new Kept<>(opener.open(claim.directory().resolve(name)), claim);
        } catch (IOException | RuntimeException e) {
            claim.close();
            throw e;
        }
    }

    private DumpDirectory() {
    }

    /**
     * Claims a directory for this JVM: prepares it, takes its lock (or joins this JVM's hold on it),
     * and on the first claim moves a crashed run's files to {@value #PREVIOUS} (a cleanly stopped
     * run's files are deleted).
     *
     * @throws IOException naming the directory, when it is unusable or another process holds it
     */
    public static Claim claim(Path directory) throws IOException {
        Path key = prepare(directory).toRealPath();
        synchronized (HOLDERS) {
            Holder holder = HOLDERS.get(key);
            if (holder == null) {
                Path lockFile = key.resolve(LOCK_FILE);
                FileChannel channel;
                try {
                    // never through a link: a dangling one would make us create its target outside the directory
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
                        throw new IOException(key + " is in use by another kmemdump runtime; give this one its own -D" + PROPERTY);
                    }
                    holder = new Holder(lock);
                    keepPreviousRun(key);
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
                HOLDERS.put(key, holder);
            }
            holder.claimants++;
            return new Claim(key);
        }
    }

    /** Moves the files of a run that did not end cleanly to {@value #PREVIOUS}; a clean run's go. */
    private static void keepPreviousRun(Path directory) throws IOException {
        Path arena = directory.resolve(ArenaFile.FILE_NAME);
        if (!Files.exists(arena, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean clean = cleanlyShutDown(arena);
        Path previous = directory.resolve(PREVIOUS);
        if (!clean) {
            deleteTree(previous);
            Files.createDirectory(previous, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path path : files.toList()) {
                if (path.getFileName().toString().equals(LOCK_FILE) || !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (clean) {
                    Files.delete(path);
                } else {
                    Files.move(path, previous.resolve(path.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
    }

    /** @return whether an arena file's header carries the clean-shutdown mark (false if unreadable) */
    public static boolean cleanlyShutDown(Path arena) throws IOException {
        try (FileChannel file = FileChannel.open(arena, StandardOpenOption.READ); Arena scratch = Arena.ofConfined()) {
            long size = file.size();
            return size >= ArenaFile.HEADER_LENGTH
                    && ArenaFile.read(file.map(MapMode.READ_ONLY, 0, ArenaFile.HEADER_LENGTH, scratch), size, arena.toString()).cleanShutdown();
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
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
        return directory;
    }
}
