package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claiming the kmemdump directory touches only what is in it: no link in it is followed. */
class DumpDirectoryClaimTest {
    @TempDir
    Path temp;

    @Test
    void aLockThatIsASymbolicLinkIsRefusedAndItsTargetNotCreated() throws IOException {
        Path directory = DumpDirectory.prepare(temp.resolve("kmemdump"));
        Path outside = temp.resolve("outside");
        Files.createSymbolicLink(directory.resolve(DumpDirectory.LOCK_FILE), outside);

        IOException refused = assertThrows(IOException.class, () -> DumpDirectory.claim(directory).close());
        assertTrue(refused.getMessage().contains(DumpDirectory.LOCK_FILE), refused.getMessage());
        assertFalse(Files.exists(outside, LinkOption.NOFOLLOW_LINKS), "the link's target outside the directory was created");
        assertTrue(Files.isSymbolicLink(directory.resolve(DumpDirectory.LOCK_FILE)), "the link is left as it was");
    }
}
