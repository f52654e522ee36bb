package org.kmemdump.directory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The kmemdump directory, claimed by this runtime for as long as the service is registered: one
 * runtime owns a directory at a time (a lock file in it), and the files of the run before were put
 * into the crash store before the service was registered ({@code crashes/<id>/} when it did not end
 * cleanly, {@code stopped/} when it did; see {@code org.kmemdump.format.CrashEntry}), so a file
 * kept here never overwrites the evidence of a crash. Only the run's own files
 * ({@code org.kmemdump.format.RunFiles}) are put aside: keep files under those names.
 *
 * <p>Set by the framework property {@value #PROPERTY}; the default is per user and on tmpfs where
 * there is one, so the files cost no disk I/O and vanish at reboot: {@code /dev/shm/kmemdump-<user>},
 * else {@code <java.io.tmpdir>/kmemdump-<user>}.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface KmemdumpDirectory {
    /** The framework property that names the directory. */
    String PROPERTY = "kmemdump.directory";
    /** The file whose lock says which runtime owns the directory. */
    String LOCK_FILE = "lock";

    /** @return the directory (its real path once claimed) */
    Path path();

    /**
     * @return empty when the directory is claimed and files can be kept in it; otherwise why not,
     *         naming the directory (e.g. another runtime holds it, or others may write to it)
     */
    Optional<String> problem();

    /**
     * Opens (or creates) the file {@code name} in the directory, for as long as the returned
     * handle is open.
     *
     * @param name a plain file name, not {@value #LOCK_FILE} and not starting with {@code crashes} or {@code stopped}
     * @throws IOException the {@link #problem()} when the directory is unusable, when another owner
     *                     in this runtime keeps a file of that name, or what {@code opener} threw
     */
    <T extends Closeable> KeptFile<T> keep(String name, FileOpener<T> opener) throws IOException;

    /**
     * Opens the file an operator configured, wherever it is and whether or not the directory is
     * usable; or, when {@code configuredFile} is null or blank, {@link #keep(String, FileOpener) keeps}
     * {@code name} in the directory.
     */
    <T extends Closeable> KeptFile<T> keep(String name, String configuredFile, FileOpener<T> opener) throws IOException;
}
