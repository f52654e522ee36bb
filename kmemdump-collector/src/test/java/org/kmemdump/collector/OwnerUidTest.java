package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;

/**
 * A forged arena names a live process of another user: its memory is read only when the process
 * and the arena file have the same owner (uid), whoever runs the collector.
 */
class OwnerUidTest {
    private static final String SECRET = "the other user's secret";
    private static final int NOBODY = 65534;

    @TempDir
    Path temp;

    @Test
    void processOfAnotherOwnerIsNotRead() throws Exception {
        Assumptions.assumeTrue(root(), "only root can give the arena file to another uid");
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.self()).standardZones()) {
            byte[] secret = DumpFixture.cString(SECRET);
            MemorySegment memory = elsewhere.allocate(32);
            memory.copyFrom(MemorySegment.ofArray(secret));
            fixture.addProcessZone(48, "secret", memory);
            // this JVM is the owner; the arena file now belongs to someone else, as a forged one would
            Files.setAttribute(fixture.directory().resolve(ArenaFile.FILE_NAME), "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("the arena file belongs to uid " + NOBODY), run.toString());
            assertFalse(new String(Files.readAllBytes(core), StandardCharsets.ISO_8859_1).contains(SECRET), "the secret reached the core");
        }
    }

    @Test
    void sameOwnerIsReadAndNamedWhenRunAsRoot() throws Exception {
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.self()).standardZones()) {
            MemorySegment memory = elsewhere.allocate(32);
            memory.copyFrom(MemorySegment.ofArray(DumpFixture.cString(SECRET)));
            fixture.addProcessZone(48, "mine", memory);
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertTrue(new String(Files.readAllBytes(core), StandardCharsets.ISO_8859_1).contains(SECRET));
            assertEquals(root(), run.out().contains("run as root: reading the memory of process " + ProcessHandle.current().pid() + " (uid "),
                    run.toString());
        }
    }

    private static boolean root() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }
}
