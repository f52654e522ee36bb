package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last words of a dead JVM: a child runs the real distribution with the kinfo backend, logs
 * known messages through the OSGi Log Service, and is killed with SIGKILL, also in the middle of a
 * burst of appends; the collector's {@code log} finds the ring through the kinfo record and prints
 * the messages in order, nothing torn.
 */
class LogCrashIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path RUNTIME = Path.of(System.getProperty("kmemdump.kinfo.jar", "missing-kmemdump.kinfo.jar")).toAbsolutePath();
    private static final Path TEST_BUNDLES = Path.of(System.getProperty("kmemdump.test.bundles", "missing-kmemdump.test.bundles"))
            .toAbsolutePath();
    /** A record as the collector prints it: time, level, bundle [id], message. */
    private static final Pattern RECORD = Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (AUDIT|ERROR|WARN |INFO |DEBUG|TRACE) (\\S+) \\[(-|\\d+)\\] (.*)$");
    private static final Pattern BURST = Pattern.compile("burst (\\d+)");
    /** The exit code of the Felix launcher after {@code stop 0}. */
    private static final int LAUNCHER_STOPPED = 117;

    @TempDir
    Path work;

    private Child start(boolean burst) {
        Child runtime = Runtimes.start("runtime", RUNTIME, work, "-Dorg.osgi.service.log.admin.loglevel=INFO",
                "-Dkmemdump.burst=" + burst,
                "-Dgosh.args=--nointeractive -c start file:" + TEST_BUNDLES.resolve("log-burst.jar") + "; kmemdump:zones");
        runtime.awaitStdout(0, Pattern.compile("(?m)^arena: "), TIMEOUT);
        return runtime;
    }

    private CollectorJar.Result log(String... options) {
        List<String> arguments = new ArrayList<>(List.of("log", Runtimes.kmemdumpDirectory(work).toString()));
        arguments.addAll(List.of(options));
        return CollectorJar.run(work, arguments.toArray(String[]::new));
    }

    @Test
    void theKnownMessagesOfAKilledRuntimeAreReadBackInOrder() throws IOException {
        try (Child runtime = start(false)) {
            CollectorJar.Result live = awaitLog("hello 3");
            assertTrue(live.stdout().contains("a known failure"), live.output());
            runtime.kill();
        }
        CollectorJar.Result dead = log("-n", "20");
        assertEquals(0, dead.exit(), "found through the kinfo record\n" + dead.output());
        assertEquals("", dead.stderr(), "no fallback, no complaint");
        List<String> messages = messages(dead.stdout(), "log-burst");
        // the bundle calls hello 1..3 from its activator; Felix Log makes its BundleEvent entries when the
        // framework's asynchronous event delivery reaches its listener, so the two series interleave
        // as the load on the machine decides: each keeps its own order
        assertEquals(List.of("hello 1", "hello 2", "hello 3"), messages.stream().filter(m -> m.startsWith("hello")).toList(), dead.stdout());
        assertEquals(List.of("BundleEvent INSTALLED", "BundleEvent RESOLVED", "BundleEvent STARTED"),
                messages.stream().filter(m -> m.startsWith("BundleEvent")).toList(), dead.stdout());
        assertTrue(dead.stdout().contains("ERROR log-burst") && dead.stdout().contains("    java.lang.IllegalStateException: a known failure"),
                dead.stdout());

        // collected, the run's raw files dropped: the crash entry's core alone gives the same records and names its zones
        Path entry = Files.createDirectories(work.resolve("crashes").resolve("entry"));
        CollectorJar.Result collect = CollectorJar.run(work, "collect", Runtimes.kmemdumpDirectory(work).toString(), "-o",
                entry.resolve("core.elf").toString());
        assertEquals(0, collect.exit(), collect.output());
        CollectorJar.Result fromCore = CollectorJar.run(work, "log", entry.toString(), "-n", "20");
        assertEquals(0, fromCore.exit(), fromCore.output());
        assertEquals(dead.stdout(), fromCore.stdout());
        String readelf = HostTools.readelf(entry.resolve("core.elf"), work);
        assertTrue(readelf.contains("NT_FILE") && readelf.contains("KMEMDUMP"), readelf);
        String mappings = HostTools.gdbMappings(entry.resolve("core.elf"), work);
        assertTrue(mappings.contains("[kmemdump zone 7 log]") && mappings.contains("[kmemdump zone 5 banner]"), mappings);
    }

    /** A clean stop lets go of the zones, not of the evidence: the stopped run's log is still read back. */
    @Test
    void theLogOfACleanlyStoppedRunIsReadBack() {
        try (Child runtime = Runtimes.start("runtime", RUNTIME, work, "-Dorg.osgi.service.log.admin.loglevel=INFO",
                "-Dkmemdump.burst=false")) {
            runtime.send("start file:" + TEST_BUNDLES.resolve("log-burst.jar"));
            awaitLog("hello 3");
            runtime.send("stop 0");
            assertEquals(LAUNCHER_STOPPED, runtime.awaitExit(TIMEOUT), runtime.describe());
        }
        CollectorJar.Result stopped = log("-n", "1000"); // the stop itself logs many records after them
        assertEquals(0, stopped.exit(), stopped.output());
        List<String> messages = messages(stopped.stdout(), "log-burst");
        assertEquals(List.of("hello 1", "hello 2", "hello 3"), messages.stream().filter(m -> m.startsWith("hello")).toList(),
                stopped.stdout());
    }

    /** Killed while a thread logs as fast as it can, several times: what is printed is whole and consecutive. */
    @Test
    void killedInTheMiddleOfABurstNothingTornAndInOrder() {
        Random random = new Random();
        for (int round = 0; round < 5; round++) {
            try (Child runtime = start(true)) {
                awaitLog("burst");
                sleep(random.nextInt(50, 500));
                runtime.kill();
            }
            CollectorJar.Result dead = log("-n", "1000000");
            String context = "round " + round + "\n" + dead.stderr();
            assertEquals(0, dead.exit(), context);
            long previous = -1;
            int bursts = 0;
            for (String line : dead.stdout().lines().toList()) {
                if (line.startsWith("... ") || line.startsWith("    ")) {
                    continue; // the lost-records line, an exception summary
                }
                Matcher record = RECORD.matcher(line);
                assertTrue(record.matches(), "every line is a whole record: '" + line + "'\n" + context);
                Matcher burst = BURST.matcher(record.group(4));
                if (record.group(2).equals("log-burst") && burst.matches()) {
                    long n = Long.parseLong(burst.group(1));
                    assertTrue(previous < 0 || n == previous + 1, "burst " + n + " after " + previous + "\n" + context);
                    previous = n;
                    bursts++;
                }
            }
            assertTrue(bursts > 100, "the burst filled the ring: " + bursts + " records\n" + context);
        }
    }

    private CollectorJar.Result awaitLog(String text) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            CollectorJar.Result result = log("-n", "50");
            if (result.stdout().contains(text)) {
                return result;
            }
            assertTrue(System.nanoTime() < deadline, "the log never showed '" + text + "'\n" + result.output());
            sleep(100);
        }
    }

    private static List<String> messages(String output, String bundle) {
        List<String> messages = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher record = RECORD.matcher(line);
            if (record.matches() && record.group(2).equals(bundle)) {
                messages.add(record.group(4));
            }
        }
        return messages;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
