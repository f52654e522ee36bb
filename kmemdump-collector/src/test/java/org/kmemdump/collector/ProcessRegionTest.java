package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;

/**
 * Regions outside the arena: read through /proc/PID/mem while their owner lives (this test's own
 * JVM plays the owner), lost once it is gone, or when the pid now names another process.
 */
class ProcessRegionTest {
    private static final String TEXT = "native zone read through /proc";
    private static final int NATIVE_ID = 48;

    @TempDir
    Path temp;

    @Test
    void liveOwnerRegionIsReadThroughProc() throws Exception {
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.self()).standardZones()) {
            MemorySegment memory = nativeZone(elsewhere, fixture);
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("alive") && run.out().contains("headers: the runtime's coreimage"), run.toString());
            assertTrue(run.out().matches("(?s).*" + NATIVE_ID + "  native .* process  ok.*"), run.toString());
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
            assertTrue(Tools.gdbString(core, memory.address()).contains('"' + TEXT + '"'));
        }
    }

    @Test
    void deadOwnerRegionIsLost() throws Exception {
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            nativeZone(elsewhere, fixture);
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("lost: not in the arena file, and process gone: no process"), run.toString());
        }
    }

    @Test
    void reusedPidIsNotTheOwner() throws Exception {
        DumpFixture.Owner self = DumpFixture.Owner.self();
        DumpFixture.Owner earlier = new DumpFixture.Owner(self.pid(), self.startTime() - TimeUnit.HOURS.toMillis(1));
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), earlier).standardZones()) {
            nativeZone(elsewhere, fixture);
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("now belongs to a process started"), run.toString());
        }
    }

    @Test
    void cleanShutdownMarkerWins() throws Exception {
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.self()).standardZones()) {
            nativeZone(elsewhere, fixture);
            ArenaFile.cleanShutdown(fixture.arena());
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("cleanly shut down") && run.out().contains("lost: not in the arena file, and the owner shut down cleanly"),
                    run.toString());
        }
    }

    @Test
    void unmappedAddressOfALiveOwnerIsLost() throws Exception {
        try (DumpFixture fixture = DumpFixture.withoutCoreimage(temp.resolve("dump"), DumpFixture.Owner.self()).standardZones()) {
            long firstPage = 0x1000; // below mmap_min_addr: never mapped
            fixture.append(NATIVE_ID, "unmapped", MemorySegment.ofAddress(firstPage).reinterpret(64));
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("mem unreadable at 0x1000") && run.out().contains("(0 of 64 bytes read)"), run.toString());
        }
    }

    @Test
    void stoppedOwnerIsStoppedAndStillRead() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            ProcessHandle handle = sleeper.toHandle();
            DumpFixture.Owner owner = new DumpFixture.Owner(handle.pid(), handle.info().startInstant().orElseThrow().toEpochMilli());
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(handle.pid())).start().waitFor());
            waitForState(handle.pid(), 'T');
            try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), owner).standardZones()) {
                CollectorRun run = CollectorRun.of("inspect", fixture.directory().toString());

                assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
                assertTrue(run.out().contains("pid " + handle.pid() + ", stopped"), run.toString());
            }
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    private static MemorySegment nativeZone(Arena elsewhere, DumpFixture fixture) {
        byte[] text = DumpFixture.cString(TEXT);
        MemorySegment memory = elsewhere.allocate(text.length + 1); // 32 bytes: a multiple of 4, no foreign padding
        memory.copyFrom(MemorySegment.ofArray(text));
        fixture.addProcessZone(NATIVE_ID, "native", memory);
        return memory;
    }

    private static void waitForState(long pid, char state) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        for (int i = 0; i < 100; i++) {
            String text = Files.readString(stat);
            if (text.charAt(text.lastIndexOf(')') + 2) == state) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("process " + pid + " never reached state " + state);
    }
}
