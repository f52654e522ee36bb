package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * What the threads were doing when the JVM died: a child runs the real distribution with the test
 * bundle {@code deadlock}, whose two threads deadlock on two locks; the watchdog logs it, and after
 * SIGKILL the collector's {@code threads} shows both BLOCKED, each on the lock the other holds, in
 * the bundle's frames. And a child killed again and again while it rewrites its snapshot every
 * millisecond: every snapshot read back is whole.
 */
class ThreadsCrashIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path RUNTIME = Path.of(System.getProperty("kmemdump.jar", "missing-kmemdump.jar")).toAbsolutePath();
    private static final Path TEST_BUNDLES = Path.of(System.getProperty("kmemdump.test.bundles", "missing-kmemdump.test.bundles"))
            .toAbsolutePath();
    private static final String DEADLOCK = "org.kmemdump.itest.deadlock.Deadlock";
    private static final Pattern HEADING = Pattern.compile("^threads as of \\S+ \\(snapshot (\\d+), [a-z ]+, took [0-9.]+ ms\\): (\\d+) threads");

    @TempDir
    Path work;

    private Child start(boolean deadlock, String... core) {
        List<String> properties = new ArrayList<>(List.of("-Dkmemdump.deadlock=" + deadlock));
        for (String setting : core) {
            properties.add("-Dkmemdump.itest.core." + setting);
        }
        properties.add("-Dgosh.args=--nointeractive -c start file:" + TEST_BUNDLES.resolve("deadlock.jar") + "; kmemdump:zones");
        Child runtime = Runtimes.start("runtime", RUNTIME, work, properties.toArray(String[]::new));
        runtime.awaitStdout(0, Pattern.compile("(?m)^arena: "), TIMEOUT);
        return runtime;
    }

    private CollectorJar.Result collector(String command, String... options) {
        List<String> arguments = new ArrayList<>(List.of(command, Runtimes.kmemdumpDirectory(work).toString()));
        arguments.addAll(List.of(options));
        return CollectorJar.run(work, arguments.toArray(String[]::new));
    }

    @Test
    void aDeadlockIsLoggedByTheWatchdogAndReadBackAfterSigkill() {
        try (Child runtime = start(true, "watchdog.period=0.5", "threads.period=1")) {
            CollectorJar.Result log = awaitLog("watchdog: deadlock of 2 threads");
            assertTrue(log.stdout().contains("\"deadlock-first\"") && log.stdout().contains("\"deadlock-second\"")
                    && log.stdout().contains("$FirstLock@") && log.stdout().contains("$SecondLock@"),
                    "the ERROR names both threads and both locks\n" + log.output());
            runtime.kill();
        }
        CollectorJar.Result dead = collector("threads");
        assertEquals(0, dead.exit(), dead.output());
        String first = block(dead.stdout(), "deadlock-first");
        String second = block(dead.stdout(), "deadlock-second");
        Matcher firstWaits = waitsFor(first, "SecondLock", "deadlock-second", dead);
        Matcher secondWaits = waitsFor(second, "FirstLock", "deadlock-first", dead);
        assertTrue(first.contains("- locked " + DEADLOCK + "$FirstLock@" + secondWaits.group(1)),
                "the first holds the lock the second waits for\n" + dead.stdout());
        assertTrue(second.contains("- locked " + DEADLOCK + "$SecondLock@" + firstWaits.group(1)),
                "the second holds the lock the first waits for\n" + dead.stdout());
        for (String block : List.of(first, second)) {
            assertTrue(block.contains("\tat " + DEADLOCK + ".lockInOrder(Deadlock.java:"), "the test bundle's frames\n" + block);
        }
        assertTrue(dead.stdout().lines().skip(1).findFirst().orElse("").contains("the owner, pid"), dead.stdout());
    }

    private static Matcher waitsFor(String block, String lock, String owner, CollectorJar.Result dead) {
        Matcher waits = Pattern.compile("BLOCKED on " + Pattern.quote(DEADLOCK + "$" + lock + "@") + "(\\p{XDigit}+) owned by \""
                + owner + "\" #\\d+").matcher(block);
        assertTrue(waits.find(), "BLOCKED on the " + lock + " held by " + owner + "\n" + dead.stdout());
        return waits;
    }

    /** @return the lines of one thread, its heading to the blank line after its synchronizers */
    private static String block(String output, String thread) {
        int start = output.indexOf("\n\"" + thread + "\" #"); // not the lock owner named in another thread's heading
        assertTrue(start >= 0, "no thread " + thread + "\n" + output);
        int end = output.indexOf("\n\"", start + 1);
        return output.substring(start, end < 0 ? output.length() : end);
    }

    /** Killed while the zone is rewritten every millisecond, several times: each read is a whole snapshot. */
    @Test
    void killedInTheMiddleOfRewritesEverySnapshotReadIsWhole() {
        Random random = new Random();
        for (int round = 0; round < 6; round++) {
            try (Child runtime = start(false, "threads.period=0.001", "watchdog.period=0")) {
                sleep(random.nextInt(1000, 3000)); // the configuration restarts the zone: give it some rewrites
                runtime.kill();
            }
            CollectorJar.Result dead = collector("threads");
            String context = "round " + round + "\n" + dead.output();
            assertEquals(0, dead.exit(), context);
            Matcher heading = HEADING.matcher(dead.stdout());
            assertTrue(heading.find(), context);
            assertTrue(Long.parseLong(heading.group(1)) >= 3, "both halves rewritten at least once\n" + context);
            long threads = dead.stdout().lines().filter(line -> line.startsWith("\"")).count();
            assertEquals(Long.parseLong(heading.group(2)), threads, "every thread the snapshot counts is there\n" + context);
            assertTrue(dead.stdout().contains("\"kmemdump-threads\" #"), "the writer itself\n" + context);
        }
    }

    private CollectorJar.Result awaitLog(String text) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            CollectorJar.Result result = collector("log", "-n", "200");
            if (result.stdout().contains(text)) {
                return result;
            }
            assertTrue(System.nanoTime() < deadline, "the log never showed '" + text + "'\n" + result.output());
            sleep(200);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
