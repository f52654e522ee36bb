package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.FatalRecord;

/** How a run ended, from headers as the runtime leaves them and the fatal record the collector writes. */
class RunEndTest {
    private static final UUID THIS_BOOT = UUID.fromString("113e6693-7536-4fc3-abd7-1b708122756f");
    private static final long START = 1_700_000_000_000L;
    private static final long HEARTBEAT = START + 60_000;

    @TempDir
    Path run;

    private static ArenaFile.Header header(long pid, long startTime, int ending, long endTime, UUID boot) {
        return new ArenaFile.Header(pid, startTime, 0x7f0000000000L, 1 << 20, HEARTBEAT, ending != ArenaFile.ENDING_NONE, 0, 0, 0, 0,
                "default", ending, endTime, boot);
    }

    private static ArenaFile.Header dead(int ending, long endTime) throws Exception {
        return header(DumpFixture.Owner.dead().pid(), START, ending, endTime, THIS_BOOT);
    }

    private void fatal(FatalRecord.Event event, long pid, long timeMs) throws IOException {
        Files.writeString(run.resolve(FatalRecord.FILE_NAME), new FatalRecord(event, pid, Instant.ofEpochMilli(timeMs),
                "/d/hs_err.log", "SIGSEGV (0xb) at pc=0x0000000000000000", "collected, 9 zones").text());
    }

    /** @return how the run of a dead owner that wrote no ending ended, with a fatal record of its own */
    private RunEnd deadWithRecord(FatalRecord.Event event, long timeMs) throws Exception {
        ArenaFile.Header header = dead(ArenaFile.ENDING_NONE, 0);
        fatal(event, header.pid(), timeMs);
        return RunEnd.of(header, run, THIS_BOOT);
    }

    @Test
    void aCleanStopAndAnExitAreToldApart() throws Exception {
        RunEnd stopped = RunEnd.of(dead(ArenaFile.ENDING_STOPPED, START + 5000), run, THIS_BOOT);
        assertEquals(RunEnd.Kind.STOPPED, stopped.kind());
        assertEquals(START + 5000, stopped.timeMs());
        assertEquals("clean stop at " + Instant.ofEpochMilli(START + 5000), stopped.detail());
        RunEnd exited = RunEnd.of(dead(ArenaFile.ENDING_EXITED, START + 6000), run, THIS_BOOT);
        assertEquals(RunEnd.Kind.EXITED, exited.kind());
        assertTrue(exited.detail().startsWith("JVM exit (System.exit, SIGTERM or SIGINT)"), exited.detail());
        assertFalse(exited.rebooted());
    }

    @Test
    void silenceIsUnknownWithTheLastHeartbeat() throws Exception {
        RunEnd end = RunEnd.of(dead(ArenaFile.ENDING_NONE, 0), run, THIS_BOOT);
        assertEquals(RunEnd.Kind.UNKNOWN, end.kind());
        assertEquals(HEARTBEAT, end.timeMs());
        assertTrue(end.detail().endsWith("; the heartbeat stopped at " + Instant.ofEpochMilli(HEARTBEAT)), end.detail());
    }

    @Test
    void aFatalErrorIsReadFromTheFatalRecord() throws Exception {
        RunEnd end = deadWithRecord(FatalRecord.Event.FATAL_ERROR, START + 7000);
        assertEquals(RunEnd.Kind.FATAL_ERROR, end.kind());
        assertEquals(START + 7000, end.timeMs());
        assertEquals("fatal JVM error at " + Instant.ofEpochMilli(START + 7000)
                + ": SIGSEGV (0xb) at pc=0x0000000000000000; hs_err: /d/hs_err.log; fatal.elf: collected, 9 zones", end.detail());
    }

    @Test
    void anOutOfMemoryErrorEndsTheRunOnlyWhenNothingLaterDid() throws Exception {
        RunEnd end = deadWithRecord(FatalRecord.Event.OUT_OF_MEMORY, START + 1000);
        assertEquals(RunEnd.Kind.OUT_OF_MEMORY, end.kind());
        assertTrue(end.detail().contains("; the heartbeat stopped at "), end.detail());

        ArenaFile.Header stopped = dead(ArenaFile.ENDING_STOPPED, START + 2000);
        fatal(FatalRecord.Event.OUT_OF_MEMORY, stopped.pid(), START + 1000);
        RunEnd later = RunEnd.of(stopped, run, THIS_BOOT);
        assertEquals(RunEnd.Kind.STOPPED, later.kind());
        assertTrue(later.detail().endsWith("; an OutOfMemoryError at " + Instant.ofEpochMilli(START + 1000) + " before it"), later.detail());

        DumpFixture.Owner self = DumpFixture.Owner.self();
        fatal(FatalRecord.Event.OUT_OF_MEMORY, self.pid(), self.startTime() + 1);
        RunEnd running = RunEnd.of(header(self.pid(), self.startTime(), ArenaFile.ENDING_NONE, 0, THIS_BOOT), run, THIS_BOOT);
        assertEquals(RunEnd.Kind.RUNNING, running.kind());
        assertTrue(running.detail().startsWith("not yet: process " + self.pid() + " is running"), running.detail());
    }

    @Test
    void anotherRunsOrACorruptRecordIsNotBelieved() throws Exception {
        ArenaFile.Header header = dead(ArenaFile.ENDING_NONE, 0);
        fatal(FatalRecord.Event.FATAL_ERROR, header.pid() + 1, START + 7000);
        RunEnd other = RunEnd.of(header, run, THIS_BOOT);
        assertEquals(RunEnd.Kind.UNKNOWN, other.kind());
        assertTrue(other.detail().endsWith("is of pid " + (header.pid() + 1) + " at " + Instant.ofEpochMilli(START + 7000) + ", not of this run"),
                other.detail());
        fatal(FatalRecord.Event.FATAL_ERROR, header.pid(), START - 60_000);
        assertTrue(RunEnd.of(header, run, THIS_BOOT).detail().endsWith("not of this run"), "made before the run started");
        Files.writeString(run.resolve(FatalRecord.FILE_NAME), "event: meltdown\n");
        RunEnd corrupt = RunEnd.of(header, run, THIS_BOOT);
        assertEquals(RunEnd.Kind.UNKNOWN, corrupt.kind());
        assertTrue(corrupt.detail().contains("fatal.txt: event is 'meltdown'"), corrupt.detail());
        Files.write(run.resolve(FatalRecord.FILE_NAME), new byte[FatalRecord.MAX_LENGTH + 1]);
        assertTrue(RunEnd.of(header, run, THIS_BOOT).detail().contains("is larger than a fatal record"));
    }

    /** A container's runtime is pid 1 at every boot, and start times may repeat: the boot id tells. */
    @Test
    void aRebootIsRecognisedWhenPidAndStartTimeRepeat() {
        DumpFixture.Owner self = DumpFixture.Owner.self();
        ArenaFile.Header header = header(self.pid(), self.startTime(), ArenaFile.ENDING_NONE, 0, UUID.randomUUID());
        RunEnd end = RunEnd.of(header, run, THIS_BOOT);
        assertEquals(RunEnd.Kind.UNKNOWN, end.kind(), "not this live process, whatever its pid and start time");
        assertTrue(end.rebooted());
        assertTrue(end.detail().contains("; the machine rebooted since (the run's boot id " + header.bootId() + ", now " + THIS_BOOT + ")"),
                end.detail());
        assertEquals(OwnerProcess.State.DEAD, OwnerProcess.of(header, THIS_BOOT).state());
        assertEquals(OwnerProcess.State.ALIVE, OwnerProcess.of(header, header.bootId()).state(), "the same boot: alive");
        assertEquals(OwnerProcess.State.ALIVE, OwnerProcess.of(header, null).state(), "a boot id unknown now decides nothing");
    }

    @Test
    void inspectShowsIt() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(run.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            ArenaFile.ended(fixture.arena(), ArenaFile.ENDING_EXITED, START + 9000);
            CollectorRun text = CollectorRun.of("inspect", fixture.directory().toString());
            assertTrue(text.out().contains("\nended:     JVM exit (System.exit, SIGTERM or SIGINT) before or without a clean framework stop at "
                    + Instant.ofEpochMilli(START + 9000) + "\n"), text.toString());
            Map<?, ?> end = (Map<?, ?>) ((Map<?, ?>) MiniJson.parse(CollectorRun.of("inspect", fixture.directory().toString(), "--json").out()))
                    .get("end");
            assertEquals("exited", end.get("kind"));
            assertEquals(START + 9000, end.get("timeMs"));
            assertEquals(Instant.ofEpochMilli(START + 9000).toString(), end.get("time"));
            assertEquals(false, end.get("rebooted"));
            assertEquals(null, end.get("bootId"), "the fixture records no boot");
        }
    }
}
