package org.kmemdump.backend.minidump.internal;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;

import org.kmemdump.backend.Backend;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.directory.internal.ClaimedDirectory;
import org.kmemdump.format.SmemFile;

/**
 * The real {@link MinidumpBackend} component, made outside a framework on the SMEM file of a new
 * temporary kmemdump directory, claimed as the runtime's directory component claims it.
 */
public final class MinidumpForBenchmarks implements AutoCloseable {
    private final Path directory;
    private final ClaimedDirectory claim;
    private final MinidumpBackend backend;

    public MinidumpForBenchmarks() throws IOException {
        directory = Files.createTempDirectory("kmemdump-bench");
        claim = new ClaimedDirectory(directory);
        backend = new MinidumpBackend(claim, new MinidumpBackend.Config() {
            @Override
            public int service_ranking() {
                return 100;
            }

            @Override
            public String smem_file() {
                return "";
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return MinidumpBackend.Config.class;
            }
        });
    }

    public Backend backend() {
        return backend;
    }

    /** Deactivates the backend, releases the directory and deletes it. */
    @Override
    public void close() throws IOException {
        backend.deactivate();
        claim.release();
        Files.delete(directory.resolve(SmemFile.FILE_NAME));
        Files.delete(directory.resolve(KmemdumpDirectory.LOCK_FILE));
        Files.delete(directory);
    }
}
