package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.FatalRecord;

/**
 * The JVM's own fatal-error path through the distribution's start script: a bundle makes the JVM
 * die of SIGSEGV, HotSpot runs the collector while the process is still in memory, and the core
 * it collects holds a zone of ordinary memory, which a SIGKILL would have lost. And every way a
 * run can end is told apart by {@code inspect}.
 */
class FatalErrorIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern MARKER = Pattern.compile("(?m)^FATAL marker (\\S+)$");
    private static final Pattern ORDINARY_ROW = Pattern.compile("(?m)^\\s+\\d+\\s+ordinary\\s+(0x[0-9a-f]{16})\\s+4096\\s+(.+)$");

    @TempDir
    Path work;

    @Test
    void aSegfaultLeavesTheFatalRecordTheHsErrReportAndACoreWithOrdinaryMemory() throws IOException {
        Path directory = Runtimes.kmemdumpDirectory(work);
        String marker;
        long pid;
        try (Child runtime = StartScript.withFatalCrash("runtime", work, "segv", "")) {
            marker = runtime.awaitStdout(0, MARKER, TIMEOUT).group(1);
            pid = runtime.pid();
            assertNotEquals(0, runtime.awaitExit(TIMEOUT), "the JVM died\n" + runtime.describe());
            assertTrue(runtime.stdout().contains("A fatal error has been detected"), runtime.describe());
        }
        FatalRecord record = FatalRecord.parse(Files.readString(directory.resolve(FatalRecord.FILE_NAME)), "fatal.txt");
        assertEquals(FatalRecord.Event.FATAL_ERROR, record.event());
        assertEquals(pid, record.pid(), "the script execs the JVM: its pid is the child's");
        assertTrue(record.error().startsWith("SIGSEGV (0xb) at pc="), record.error());
        assertEquals(directory.resolve("hs_err_pid" + pid + ".log").toString(), record.hsErr());
        assertTrue(Files.readString(Path.of(record.hsErr())).contains("SIGSEGV"), "HotSpot's report is there");
        assertTrue(record.core().startsWith("collected from the live process"), record.core());

        CollectorJar.Result inspect = CollectorJar.run(work, "inspect", directory.toString());
        assertTrue(inspect.stdout().contains("\nended:     fatal JVM error at " + record.time() + ": SIGSEGV (0xb)"), inspect.output());
        Matcher ordinary = ORDINARY_ROW.matcher(inspect.stdout());
        assertTrue(ordinary.find(), inspect.output());
        assertTrue(ordinary.group(2).contains("lost: not in the arena file, and process gone"),
                "after the JVM is gone the zone is lost, as after a SIGKILL\n" + inspect.output());

        Path core = directory.resolve(FatalRecord.CORE_FILE_NAME);
        assertTrue(HostTools.readelf(core, work).contains("CORE (Core file)"));
        String address = "0x" + Long.toHexString(Long.parseUnsignedLong(ordinary.group(1).substring(2), 16)); // as gdb writes it
        String gdb = HostTools.gdbString(core, address, work);
        assertTrue(gdb.contains(address + ":\t\"" + marker + "\""), "gdb reads the ordinary zone from fatal.elf\n" + gdb);
    }

    /**
     * A JVM that really runs out of heap: the script's OnOutOfMemoryError collects while it is in
     * memory, its ExitOnOutOfMemoryError ends it instead of letting it limp on, and the next start's
     * crash entry says it ended of an OutOfMemoryError and points at fatal.elf, kept with fatal.txt.
     */
    @Test
    void anOutOfMemoryErrorEndsTheJvmAndTheNextStartSaysSo() throws IOException, InterruptedException {
        Path directory = Runtimes.kmemdumpDirectory(work);
        long pid;
        try (Child runtime = StartScript.withFatalCrash("oom", work, "oom", "", "-Xmx64m")) {
            runtime.awaitStdout(0, MARKER, TIMEOUT);
            pid = runtime.pid();
            assertEquals(3, runtime.awaitExit(TIMEOUT), "the script's -XX:+ExitOnOutOfMemoryError ends the JVM\n" + runtime.describe());
            assertTrue(runtime.stdout().contains("Terminating due to java.lang.OutOfMemoryError: Java heap space"), runtime.describe());
        }
        FatalRecord record = FatalRecord.parse(Files.readString(directory.resolve(FatalRecord.FILE_NAME)), "fatal.txt");
        assertEquals(FatalRecord.Event.OUT_OF_MEMORY, record.event());
        assertEquals(pid, record.pid());

        Path entry;
        try (Child next = StartScript.withFatalCrash("next", work, "none", "")) {
            entry = awaitCollected(directory.resolve(CrashEntry.CRASHES), pid, next);
            next.kill();
        }
        String summary = Files.readString(entry.resolve(CrashEntry.SUMMARY_TEXT));
        assertTrue(summary.contains("\nhow it ended: OutOfMemoryError at " + record.time()), summary);
        assertTrue(summary.contains("\nfatal core: " + entry.resolve(FatalRecord.CORE_FILE_NAME)), "the richer core is named\n" + summary);
        assertTrue(Files.notExists(entry.resolve(ArenaFile.FILE_NAME)), "the raw arena is dropped\n" + summary);
        assertTrue(Files.exists(entry.resolve(FatalRecord.FILE_NAME)) && Files.exists(entry.resolve(FatalRecord.CORE_FILE_NAME)),
                "the raw-file drop keeps the fatal record and core\n" + summary);
        assertTrue(HostTools.readelf(entry.resolve(FatalRecord.CORE_FILE_NAME), work).contains("CORE (Core file)"));
        CollectorJar.Result crashes = CollectorJar.run(work, "crashes", directory.toString());
        assertTrue(crashes.stdout().contains("OutOfMemoryError at " + record.time()), crashes.output());
        assertTrue(crashes.stdout().contains("fatal core (the richer one): " + entry.resolve(FatalRecord.CORE_FILE_NAME) + "\n"),
                "the listing names the richer core\n" + crashes.output());
    }

    /** Waits until the entry of run {@code pid} has its summary (the next start collects it in the background). */
    private static Path awaitCollected(Path crashes, long pid, Child next) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            if (Files.isDirectory(crashes)) {
                try (Stream<Path> entries = Files.list(crashes)) {
                    Optional<Path> entry = entries.filter(path -> path.getFileName().toString().endsWith("-" + pid))
                            .filter(path -> Files.exists(path.resolve(CrashEntry.SUMMARY_JSON))).findFirst();
                    if (entry.isPresent()) {
                        return entry.get();
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "run " + pid + " not collected within " + TIMEOUT + "\n" + next.describe());
            Thread.sleep(50);
        }
    }

    /** How each run ended, by what inspect says: a clean stop, System.exit, SIGTERM and SIGKILL, all at once. */
    @Test
    void aCleanStopAnExitAndSigtermAreToldApartFromSigkill() throws IOException {
        Map<String, Child> runs = new LinkedHashMap<>();
        try {
            runs.put("stop", StartScript.withFatalCrash("stop", Files.createDirectory(work.resolve("stop")), "none", "; stop 0"));
            runs.put("exit", StartScript.withFatalCrash("exit", Files.createDirectory(work.resolve("exit")), "exit", ""));
            runs.put("sigterm", StartScript.withFatalCrash("sigterm", Files.createDirectory(work.resolve("sigterm")), "none", ""));
            runs.put("sigkill", StartScript.withFatalCrash("sigkill", Files.createDirectory(work.resolve("sigkill")), "none", ""));
            for (Child run : runs.values()) {
                run.awaitStdout(0, MARKER, TIMEOUT);
            }
            runs.get("sigterm").terminate();
            runs.get("sigkill").kill();
            assertEquals(117, runs.get("stop").awaitExit(TIMEOUT), "the launcher's status after stop 0\n" + runs.get("stop").describe());
            assertEquals(3, runs.get("exit").awaitExit(TIMEOUT), runs.get("exit").describe());
            assertEquals(143, runs.get("sigterm").awaitExit(TIMEOUT), "128 + SIGTERM\n" + runs.get("sigterm").describe());
        } finally {
            runs.values().forEach(Child::close);
        }
        assertEquals("clean stop at ", ended("stop"));
        assertEquals("JVM exit (System.exit, SIGTERM or SIGINT) before or without a clean framework stop at ", ended("exit"));
        assertEquals(ended("exit"), ended("sigterm"));
        assertEquals("unknown: the JVM said nothing (SIGKILL, a crash without OnError, power loss); the heartbeat stopped at ", ended("sigkill"));
    }

    /** @return the inspect's "ended:" line of a run, without its times */
    private String ended(String run) {
        CollectorJar.Result inspect = CollectorJar.run(work, "inspect", Runtimes.kmemdumpDirectory(work.resolve(run)).toString());
        Matcher ended = Pattern.compile("(?m)^ended:     (.*)$").matcher(inspect.stdout());
        assertTrue(ended.find(), inspect.output());
        return ended.group(1).replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "");
    }
}
