package org.kmemdump.directory.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.kmemdump.directory.FileOpener;
import org.kmemdump.directory.KeptFile;
import org.kmemdump.directory.KmemdumpDirectory;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The kmemdump directory, claimed when the component activates (the lock taken, a crashed run's
 * files put aside) and released when it deactivates, after DS has deactivated every component that
 * uses it. Immediate, so the claim does not depend on which bundle asks first. An unusable
 * directory does not fail the activation: the service is registered and says why.
 */
@Component(service = KmemdumpDirectory.class, immediate = true)
public final class ClaimedDirectory implements KmemdumpDirectory {
    private final Path path;
    /** Null when the directory is unusable; then {@link #problem} says why. */
    private final DirectoryLock lock;
    private final String problem;
    /** The names of the files kept now: one owner per file. */
    private final Set<String> kept = new HashSet<>();
    private boolean released;

    @Activate
    public ClaimedDirectory(BundleContext context) {
        this(location(context.getProperty(PROPERTY)));
    }

    /** Claims {@code directory}; outside a framework, e.g. in tests, {@link #release} it when done. */
    public ClaimedDirectory(Path directory) {
        Path claimed = directory;
        DirectoryLock taken = null;
        String refusal = null;
        try {
            claimed = DirectoryLock.prepare(directory);
            taken = DirectoryLock.take(claimed);
            PreviousRun.putAside(claimed);
        } catch (IOException | RuntimeException e) {
            refusal = e.getMessage();
            if (taken != null) {
                try {
                    taken.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                taken = null;
            }
        }
        this.path = claimed;
        this.lock = taken;
        this.problem = refusal;
    }

    /** @return the configured directory, or the default when {@code configured} is null or blank */
    public static Path location(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return parent.resolve("kmemdump-" + user);
    }

    /** Lets go of the directory: the lock file stays, unlocked. Files still kept are their owners' to close. */
    @Deactivate
    public void release() throws IOException {
        synchronized (kept) {
            if (released) {
                return;
            }
            released = true;
        }
        if (lock != null) {
            lock.close();
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public <T extends Closeable> KeptFile<T> keep(String name, FileOpener<T> opener) throws IOException {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.equals(LOCK_FILE) || name.equals(PREVIOUS)) {
            throw new IllegalArgumentException("'" + name + "' is not a file name of its own in the kmemdump directory");
        }
        synchronized (kept) {
            if (problem != null) {
                throw new IOException(problem);
            }
            if (released) {
                throw new IOException(path + " is no longer claimed by this runtime");
            }
            if (!kept.add(name)) {
                throw new IOException(path.resolve(name) + " is in use by another owner in this kmemdump runtime");
            }
        }
        try {
            return new Kept<>(opener.open(path.resolve(name)), () -> letGo(name));
        } catch (IOException | RuntimeException e) {
            letGo(name);
            throw e;
        }
    }

    @Override
    public <T extends Closeable> KeptFile<T> keep(String name, String configuredFile, FileOpener<T> opener) throws IOException {
        if (configuredFile == null || configuredFile.isBlank()) {
            return keep(name, opener);
        }
        return new Kept<>(opener.open(Path.of(configuredFile).toAbsolutePath()), () -> { });
    }

    private void letGo(String name) {
        synchronized (kept) {
            kept.remove(name);
        }
    }
}
