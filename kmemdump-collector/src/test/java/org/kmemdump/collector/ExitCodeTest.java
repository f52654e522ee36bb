package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.MinidumpTable;

/** Usage errors (2) name the bad argument; outputs that cannot be written (4) leave nothing behind. */
class ExitCodeTest {
    @TempDir
    Path temp;

    @Test
    void helpListsTheCommandsAndExitCodes() {
        CollectorRun run = CollectorRun.of("--help");
        assertEquals(ExitCode.OK.code(), run.exitCode());
        assertTrue(run.out().contains("collect DIR -o FILE") && run.out().contains("inspect DIR [--json]"), run.out());
        assertTrue(run.out().contains("4  an output file could not be written"), run.out());
        assertTrue(run.out().contains("log DIR [-n N] [--follow]") && run.out().contains("log: no log ring"), run.out());
        assertEquals(ExitCode.OK.code(), CollectorRun.of("collect", "--help").exitCode());
        assertEquals(ExitCode.OK.code(), CollectorRun.of("log", "--help").exitCode());
    }

    @Test
    void usageErrorsNameTheArgument() {
        usage("no command", new String[0]);
        usage("unknown command 'dump'", "dump", "x");
        usage("collect: -o FILE is missing", "collect", "dir");
        usage("collect: DIR is missing", "collect", "-o", "core.elf");
        usage("-o needs a FILE", "collect", "dir", "-o");
        usage("--bins needs a BINDIR", "collect", "dir", "-o", "f", "--bins", "--progress");
        usage("unknown option '--fast' for collect", "collect", "dir", "-o", "f", "--fast");
        usage("unexpected argument 'other'", "inspect", "dir", "other");
        usage("option '--json' is for inspect, not collect", "collect", "dir", "-o", "f", "--json");
        usage("option '-o' is for collect, not inspect", "inspect", "dir", "-o", "f");
        usage("--progress and --no-progress", "collect", "dir", "-o", "f", "--progress", "--no-progress");
        usage("-o is given twice", "collect", "dir", "-o", "f", "-o", "g");
        usage("-n needs a number of records", "log", "dir", "-n");
        usage("-n '-1' is not a number of records", "log", "dir", "-n", "-1");
        usage("-n 'ten' is not a number of records", "log", "dir", "-n", "ten");
        usage("-n '99999999999' is not a number of records", "log", "dir", "-n", "99999999999");
        usage("-n is given twice", "log", "dir", "-n", "1", "-n", "2");
        usage("--follow is given twice", "log", "dir", "--follow", "--follow");
        usage("option '-n' is for log, not inspect", "inspect", "dir", "-n", "1");
        usage("option '--follow' is for log, not collect", "collect", "dir", "-o", "f", "--follow");
        usage("option '--json' is for inspect, not log", "log", "dir", "--json");
        usage("log: DIR is missing", "log", "-n", "3");
        usage("unknown command 'logs': give collect, inspect, log, threads, components or crashes", "logs", "dir");
    }

    @Test
    void outputOverAnInputIsAUsageError() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path arena = fixture.directory().resolve(ArenaFile.FILE_NAME);
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", arena.toString());
            assertEquals(ExitCode.USAGE.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("is the input file"), run.toString());
        }
    }

    /**
     * The arena is needed even with a dumpable table: only its header says who owns the regions
     * (pid and start time) and where their bytes lie (the arena's base address), so without it not
     * one region can be read. README.md and --help say so (code 3).
     */
    @Test
    void aDumpableTableWithoutAnArenaIsBadInput() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path arena = fixture.directory().resolve(ArenaFile.FILE_NAME);
            Files.delete(arena);
            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertTrue(fixture.table().apssStatus() == MinidumpTable.SS_STATUS_READY, "the table stays dumpable");
            CollectorRun collect = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());
            for (CollectorRun run : new CollectorRun[] {inspect, collect}) {
                assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
                assertEquals("kmemdump-collector: " + arena + ": missing\n", run.err(), run.toString());
            }
            assertFalse(Files.exists(temp.resolve("core.elf")));
        }
    }

    @Test
    void unwritableOutputs() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            String dir = fixture.directory().toString();
            Path file = Files.writeString(temp.resolve("a-file"), "x");
            output("directory " + temp.resolve("missing") + " does not exist", dir, "-o", temp.resolve("missing/core.elf").toString());
            output("directory " + file + " does not exist", dir, "-o", file.resolve("core.elf").toString());
            output(temp + ": is a directory", dir, "-o", temp.toString());
            output("cannot create a file in /proc", dir, "-o", "/proc/kmemdump-core.elf");
            output("--bins " + file + ": exists and is not a directory", dir, "-o", temp.resolve("core.elf").toString(), "--bins", file.toString());
            assertFalse(Files.exists(temp.resolve("core.elf")), "no core when the bins cannot be written");
            try (Stream<Path> files = Files.list(temp)) {
                assertEquals(0, files.filter(each -> each.getFileName().toString().endsWith(".part")).count());
            }
        }
    }

    private static void usage(String message, String... args) {
        CollectorRun run = CollectorRun.of(args);
        assertEquals(ExitCode.USAGE.code(), run.exitCode(), run.toString());
        assertTrue(run.err().contains(message) && run.err().contains("(see --help)"), run.toString());
        assertEquals(1, run.err().lines().count(), run.toString());
    }

    private static void output(String message, String... args) {
        String[] command = Stream.concat(Stream.of("collect"), Stream.of(args)).toArray(String[]::new);
        CollectorRun run = CollectorRun.of(command);
        assertEquals(ExitCode.OUTPUT_FAILED.code(), run.exitCode(), run.toString());
        assertTrue(run.err().contains(message), run.toString());
        assertEquals(1, run.err().lines().count(), run.toString());
    }
}
