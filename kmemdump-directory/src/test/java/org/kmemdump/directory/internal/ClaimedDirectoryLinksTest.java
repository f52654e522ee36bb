package org.kmemdump.directory.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.CrashEntry;

/** Claiming the kmemdump directory touches only what is in it: no link in it is followed. */
class ClaimedDirectoryLinksTest {
    @TempDir
    Path temp;

    @Test
    void aLockThatIsASymbolicLinkIsRefusedAndItsTargetNotCreated() throws IOException {
        Path directory = DirectoryLock.prepare(temp.resolve("kmemdump"));
        Path outside = temp.resolve("outside");
        Files.createSymbolicLink(directory.resolve(KmemdumpDirectory.LOCK_FILE), outside);

        ClaimedDirectory claim = new ClaimedDirectory(directory);
        claim.release();
        String refused = claim.problem().orElseThrow(() -> new AssertionError("a linked lock was taken"));
        assertTrue(refused.contains(KmemdumpDirectory.LOCK_FILE), refused);
        assertFalse(Files.exists(outside, LinkOption.NOFOLLOW_LINKS), "the link's target outside the directory was created");
        assertTrue(Files.isSymbolicLink(directory.resolve(KmemdumpDirectory.LOCK_FILE)), "the link is left as it was");
    }

    @Test
    void anArenaThatIsALinkIsNotReadAndTheRunsFilesArePutAside() throws IOException {
        Path directory = DirectoryLock.prepare(temp.resolve("kmemdump"));
        Files.createSymbolicLink(directory.resolve("arena"), Path.of("/dev/zero"));
        Files.writeString(directory.resolve("smem"), "table");

        ClaimedDirectory claim = new ClaimedDirectory(directory);
        claim.release();
        assertTrue(claim.problem().isEmpty(), claim.problem().toString());
        assertTrue(Files.isSymbolicLink(directory.resolve("arena")), "the link is left as it was");
        try (var entries = Files.list(directory.resolve(CrashEntry.CRASHES))) {
            Path entry = entries.findFirst().orElseThrow(() -> new AssertionError("no crash entry"));
            assertTrue(entry.getFileName().toString().endsWith("-" + CrashEntry.UNREADABLE), entry.toString());
            assertTrue(Files.exists(entry.resolve("smem")), "no clean shutdown: the table is kept");
        }
    }
}
