package org.kmemdump.directory.internal;

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
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.directory.KeptFile;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.CrashEntry;

/** A backend's file kept in the claimed kmemdump directory, or at a configured path wherever the directory is. */
class ClaimedDirectoryKeepTest {
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
        Path lock = directory().resolve(KmemdumpDirectory.LOCK_FILE);
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
        ClaimedDirectory claim = new ClaimedDirectory(directory());
        KeptFile<File> kept = claim.keep("table", File::new);
        assertEquals(directory().toRealPath().resolve("table"), kept.file().path);
        assertTrue(claimed());
        kept.close();
        claim.release();
        assertFalse(claimed(), "the claim goes with the component");
        assertEquals(List.of("open table claimed", "close table claimed"), events, "the file is closed before the claim");
    }

    @Test
    void aConfiguredFileIsOpenedWhereverTheDirectoryIs() throws IOException {
        Path elsewhere = temp.resolve("elsewhere");
        Files.createFile(temp.resolve("file"));
        ClaimedDirectory unusable = new ClaimedDirectory(temp.resolve("file").resolve("kmemdump"));
        assertTrue(unusable.problem().isPresent(), "a directory under a file is unusable");
        try (KeptFile<File> kept = unusable.keep("table", elsewhere.toString(), File::new)) {
            assertEquals(elsewhere, kept.file().path);
            assertFalse(Files.exists(directory()), "the kmemdump directory is not touched");
        }
        assertEquals(List.of("open elsewhere", "close elsewhere"), events);
    }

    @Test
    void aFileThatCannotBeOpenedLetsGoOfItsName() throws IOException {
        ClaimedDirectory claim = new ClaimedDirectory(directory());
        IOException refusal = new IOException("no such table");
        IOException thrown = assertThrows(IOException.class, () -> claim.keep("table", null, path -> {
            assertTrue(claimed(), "opened under the claim");
            throw refusal;
        }));
        assertSame(refusal, thrown);
        claim.keep("table", File::new).close();
        claim.release();
        assertFalse(claimed());
    }

    @Test
    void oneOwnerPerFileAndNoneAfterTheRelease() throws IOException {
        ClaimedDirectory claim = new ClaimedDirectory(directory());
        try (KeptFile<File> first = claim.keep("table", File::new)) {
            IOException taken = assertThrows(IOException.class, () -> claim.keep("table", File::new));
            assertTrue(taken.getMessage().contains("in use by another owner"), taken.getMessage());
        }
        claim.keep("table", File::new).close();
        claim.release();
        IOException released = assertThrows(IOException.class, () -> claim.keep("table", File::new));
        assertTrue(released.getMessage().contains("no longer claimed"), released.getMessage());
    }

    @Test
    void namesOutsideTheDirectoryOrOfItsOwnFilesAreRefused() throws IOException {
        ClaimedDirectory claim = new ClaimedDirectory(directory());
        try {
            for (String name : new String[] {"", "..", "a/b", "/etc/passwd", KmemdumpDirectory.LOCK_FILE, CrashEntry.CRASHES, CrashEntry.STOPPED}) {
                assertThrows(IllegalArgumentException.class, () -> claim.keep(name, File::new), name);
            }
            assertEquals(List.of(), events, "nothing was opened");
        } finally {
            claim.release();
        }
    }

    @Test
    void anUnusableDirectorySaysWhyAndKeepsNothing() throws IOException {
        ClaimedDirectory first = new ClaimedDirectory(directory());
        ClaimedDirectory second = new ClaimedDirectory(directory());
        try {
            assertEquals(Optional.empty(), first.problem());
            String problem = second.problem().orElseThrow();
            assertTrue(problem.contains("in use by another kmemdump runtime"), problem);
            IOException refused = assertThrows(IOException.class, () -> second.keep("table", File::new));
            assertEquals(problem, refused.getMessage());
            assertEquals(List.of(), events);
        } finally {
            second.release();
            first.release();
        }
        assertFalse(claimed());
    }
}
