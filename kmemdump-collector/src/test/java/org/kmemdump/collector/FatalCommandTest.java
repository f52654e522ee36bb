package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.FatalRecord;

/**
 * {@code fatal EVENT PID DIR}, as HotSpot runs it: this test's JVM plays the dying owner, whose
 * zone outside the arena must be in fatal.elf.
 */
class FatalCommandTest {
    @TempDir
    Path temp;

    @Test
    void recordsTheEventAndCollectsTheLiveProcess() throws Exception {
        DumpFixture.Owner self = DumpFixture.Owner.self();
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), self).standardZones()) {
            MemorySegment ordinary = elsewhere.allocate(64);
            ordinary.setString(0, "only the live process has this");
            fixture.addProcessZone(48, "ordinary", ordinary);
            Path hsErr = Files.writeString(fixture.directory().resolve("hs_err_pid" + self.pid() + ".log"), """
                    #
                    # A fatal error has been detected by the Java Runtime Environment:
                    #
                    #  SIGSEGV (0xb) at pc=0x00007f6e8042f297, pid=4242, tid=4250
                    #
                    """);
            CollectorRun run = CollectorRun.of("fatal", "fatal-error", Long.toString(self.pid()), fixture.directory().toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            FatalRecord record = FatalRecord.parse(Files.readString(fixture.directory().resolve(FatalRecord.FILE_NAME)), "fatal.txt");
            assertEquals(FatalRecord.Event.FATAL_ERROR, record.event());
            assertEquals(self.pid(), record.pid());
            assertEquals(hsErr.toString(), record.hsErr());
            assertEquals("SIGSEGV (0xb) at pc=0x00007f6e8042f297, pid=4242, tid=4250", record.error());
            assertEquals("collected from the live process, " + fixture.zones().size() + " zones, all read", record.core());
            assertTrue(run.err().contains("fatal JVM error of process " + self.pid() + " recorded in "), run.toString());
            Path core = fixture.directory().resolve(FatalRecord.CORE_FILE_NAME);
            assertTrue(Tools.gdbString(core, ordinary.address()).contains("\"only the live process has this\""));
        }
    }

    @Test
    void withoutAnArenaTheEventIsStillRecorded() throws Exception {
        CollectorRun run = CollectorRun.of("fatal", "out-of-memory", "4242", temp.toString());

        assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
        FatalRecord record = FatalRecord.parse(Files.readString(temp.resolve(FatalRecord.FILE_NAME)), "fatal.txt");
        assertEquals(FatalRecord.Event.OUT_OF_MEMORY, record.event());
        assertEquals(null, record.hsErr(), "no hs_err report after an OutOfMemoryError");
        assertTrue(record.core().startsWith("not collected: "), record.core());
        assertFalse(Files.exists(temp.resolve(FatalRecord.CORE_FILE_NAME)));
    }

    @Test
    void badArgumentsAreUsageErrorsThatWriteNothing() {
        for (String[] args : new String[][] {{"fatal"}, {"fatal", "crash", "1", "/tmp"}, {"fatal", "fatal-error", "x", "/tmp"},
                {"fatal", "fatal-error", "-1", "/tmp"}, {"fatal", "fatal-error", "1", temp.toString(), "more"}}) {
            CollectorRun run = CollectorRun.of(args);
            assertEquals(ExitCode.USAGE.code(), run.exitCode(), run.toString());
            assertTrue(run.err().startsWith("kmemdump-collector: fatal"), run.toString());
        }
        assertFalse(Files.exists(temp.resolve(FatalRecord.FILE_NAME)));
    }
}
