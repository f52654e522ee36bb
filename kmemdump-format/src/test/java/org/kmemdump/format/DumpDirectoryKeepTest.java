package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backend's file kept in the kmemdump directory under a claim, or at a configured path without one. */
class DumpDirectoryKeepTest {
    @TempDir
    Path temp;

    private final List<String> events = new ArrayList<>();

    private Path directory() {
        return temp.resolve("kmemdump");
    }

    /** A file that records when it is opened and closed, and whether the directory was claimed then. */
    private final class File implements Closeable {
        final Path path;

        File(Path path) {
            this.path = path;
            events.add("open " + path.getFileName() + (claimed() ? " claimed" : ""));
        }

        @Override
        public void close() {
            events.add("close " + path.getFileName() + (claimed() ? " claimed" : ""));
        }
    }

    /**
     * Asks for the lock through a channel of its own, kept open until the end: closing a channel on
     * a file can drop every lock the process holds on it.
     */
    private FileChannel probe;

    @AfterEach
    void closeProbe() throws IOException {
        if (probe != null) {
            probe.close();
        }
    }

    /** @return whether this JVM holds the directory's lock */
    private boolean claimed() {
        Path lock = directory().resolve(DumpDirectory.LOCK_FILE);
        if (!Files.exists(lock)) {
            return false;
        }
        try {
            if (probe == null) {
                probe = FileChannel.open(lock, StandardOpenOption.WRITE);
            }
            FileLock taken = probe.tryLock();
            if (taken != null) {
                taken.release();
            }
            return taken == null;
        } catch (OverlappingFileLockException held) {
            return true;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFileInTheDirectoryIsOpenedAndClosedUnderTheClaim() throws IOException {
        DumpDirectory.Kept<File> kept = DumpDirectory.keep(directory().toString(), "", "table", File::new);
        assertEquals(directory().toRealPath().resolve("table"), kept.file().path);
        assertTrue(claimed());
        kept.close();
        assertFalse(claimed(), "the claim goes with the file");
        assertEquals(List.of("open table claimed", "close table claimed"), events, "the file is closed before the claim");
    }

    @Test
    void aConfiguredFileIsOpenedWithoutAClaim() throws IOException {
        Path elsewhere = temp.resolve("elsewhere");
        try (DumpDirectory.Kept<File> kept = DumpDirectory.keep(directory().toString(), elsewhere.toString(), "table", File::new)) {
            assertEquals(elsewhere, kept.file().path);
            assertFalse(Files.exists(directory()), "the kmemdump directory is not touched");
        }
        assertEquals(List.of("open elsewhere", "close elsewhere"), events);
    }

    @Test
    void aFileThatCannotBeOpenedLetsGoOfTheClaim() {
        IOException refusal = new IOException("no such table");
        IOException thrown = assertThrows(IOException.class, () -> DumpDirectory.keep(directory().toString(), null, "table", path -> {
            assertTrue(claimed(), "opened under the claim");
            throw refusal;
        }));
        assertSame(refusal, thrown);
        assertFalse(claimed());
    }
}
