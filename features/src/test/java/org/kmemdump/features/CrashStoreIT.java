package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.CrashEntry;

/**
 * The crash store through a crash loop of real runtimes (the smallest distribution), each with a
 * zone holding its own marker and SIGKILLed at a random moment: some during start-up (while the
 * crash before is moved or pruned), the others soon after they are up (while the crash before is
 * being collected in the background). A last start finishes, prunes and collects; then the newest
 * ten runs are kept, each collected into a core readelf opens and in which gdb reads its own
 * marker at its zone's address.
 */
class CrashStoreIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path RUNTIME = property("kmemdump.jar");
    private static final Path TEST_BUNDLES = property("kmemdump.test.bundles");
    private static final Pattern PROMPT = Pattern.compile("g! ");
    private static final int RUNS = 12;
    /** The default retention. */
    private static final int KEPT = 10;
    /** Runs killed during start-up, before they are up: they may leave no run files at all. */
    private static final List<Integer> KILLED_STARTING = List.of(4, 8);

    @TempDir
    Path work;

    private static Path property(String name) {
        return Path.of(System.getProperty(name, "missing-system-property-" + name)).toAbsolutePath();
    }

    private Child start(String marker) {
        return Runtimes.start("run " + marker, RUNTIME, work, "-Dkmemdump.consumer.marker=" + marker,
                "-Dgosh.args=--nointeractive -c start file:" + TEST_BUNDLES.resolve("zone-consumer.jar") + "; kmemdump:zones");
    }

    @Test
    void aCrashLoopKeepsTheNewestRunsEachCollectedWithItsOwnMarker() throws Exception {
        Path directory = Files.createDirectory(Runtimes.kmemdumpDirectory(work),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(directory.resolve("notes.txt"), "the operator's notes");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String context = "seed " + seed;
        // the pid and marker of every run that was up when it was killed, and which run it was
        Map<Long, String> markers = new LinkedHashMap<>();
        Map<Long, Integer> runs = new LinkedHashMap<>();
        for (int run = 1; run <= RUNS; run++) {
            String marker = "crash-loop-marker-" + run + "-" + random.nextInt(1_000_000_000);
            try (Child runtime = start(marker)) {
                if (KILLED_STARTING.contains(run)) {
                    Thread.sleep(200 + random.nextInt(800));
                } else {
                    runtime.awaitStdout(0, Pattern.compile("consumer-mark"), TIMEOUT);
                    markers.put(runtime.pid(), marker);
                    runs.put(runtime.pid(), run);
                    Thread.sleep(random.nextInt(300));
                }
                runtime.kill();
            }
        }

        List<Path> entries;
        try (Child last = Runtimes.start("last run", RUNTIME, work)) {
            last.awaitStdout(0, PROMPT, TIMEOUT);
            entries = awaitCollected(directory.resolve(CrashEntry.CRASHES), context + "\n" + last.describe());
            int from = last.stdout().length();
            last.send("kmemdump:crashes");
            last.awaitStdout(from, PROMPT, TIMEOUT);
            String listing = last.stdout().substring(from);
            for (Path entry : entries) {
                assertTrue(listing.contains(entry.toString()), "kmemdump:crashes lists " + entry + "\n" + listing);
            }
            String newest = entries.getLast().getFileName().toString();
            from = last.stdout().length();
            last.send("kmemdump:crash " + newest);
            last.awaitStdout(from, PROMPT, TIMEOUT);
            String summary = last.stdout().substring(from);
            assertTrue(summary.contains("pid: " + pid(entries.getLast())) && summary.contains("last log records:"), summary);
            assertTrue(last.stdout().contains("kmemdump: an earlier run did not end cleanly: pid " + pid(entries.getLast())),
                    "one console line per unclean run\n" + last.describe());
            from = last.stdout().length();
            last.send("kmemdump:log -n 1000");
            last.awaitStdout(from, PROMPT, TIMEOUT);
            assertCollectionBeganAfterStartUp(last.stdout().substring(from));
            last.kill();
        }

        assertEquals(KEPT, entries.size(), "the default retention, exactly\n" + entries + "\n" + context);
        List<Integer> keptRuns = new ArrayList<>();
        for (Path entry : entries) {
            Path core = entry.resolve(CrashEntry.CORE);
            String where = entry + " (" + context + ")\n" + Files.readString(entry.resolve(CrashEntry.SUMMARY_TEXT));
            if (!Files.exists(core)) {
                // a run killed while it made its arena: kept, reported, never collected nor deleted
                assertTrue(Files.exists(entry.resolve(ArenaFile.FILE_NAME)), "a failed collection keeps the raw files: " + where);
                assertTrue(Files.readString(entry.resolve(CrashEntry.SUMMARY_TEXT)).contains("core: not collected: "), where);
                continue;
            }
            assertTrue(HostTools.readelf(core, work).contains("CORE (Core file)"), where);
            assertTrue(Files.notExists(entry.resolve(ArenaFile.FILE_NAME)), "the raw arena is dropped after the collection: " + where);
            long pid = entry.getFileName().toString().endsWith(CrashEntry.UNREADABLE) ? -1 : pid(entry);
            if (markers.containsKey(pid)) {
                keptRuns.add(runs.get(pid));
                String marker = markers.get(pid);
                assertTrue(contains(Files.readAllBytes(core), marker.getBytes(StandardCharsets.US_ASCII)),
                        "the core holds its own run's marker: " + where);
                String gdb = HostTools.gdbZoneBytes(core, "consumer-mark", marker.length(), work);
                assertTrue(gdb.contains('"' + marker + '"'), "gdb reads the marker at its zone's address: " + gdb + "\n" + where);
            }
        }
        for (int run = 3; run <= RUNS; run++) {
            assertTrue(KILLED_STARTING.contains(run) || keptRuns.contains(run),
                    "run " + run + " is among the newest ten and collected with its marker: " + keptRuns + "\n" + entries);
        }
        assertEquals("the operator's notes", Files.readString(directory.resolve("notes.txt")), "a foreign file is not touched");
        try (Stream<Path> left = Files.list(directory.resolve(CrashEntry.CRASHES))) {
            List<String> names = left.map(path -> path.getFileName().toString()).toList();
            assertTrue(names.stream().allMatch(CrashEntry::isId), "nothing half moved or half pruned: " + names);
        }
    }

    /**
     * The collection's first WARN is in the log ring after the record of every bundle's start: the
     * launcher raises the start level after the framework started, and the collection waits for
     * that too. Exact, not timed: the framework delivers the bundle events, which Felix Log records,
     * before the start level event that begins the collection.
     */
    private static void assertCollectionBeganAfterStartUp(String ring) {
        int announced = ring.indexOf("an earlier run did not end cleanly");
        assertTrue(announced >= 0, "the announcement is in the log ring\n" + ring);
        assertTrue(Pattern.compile("(?m) org\\.apache\\.felix\\.gogo\\.shell \\[\\d+\\] BundleEvent STARTED$").matcher(ring.substring(0, announced)).find(),
                "the shell (start level 1000, the last) started before the collection began\n" + ring);
        assertFalse(Pattern.compile("(?m)^\\S+ INFO  \\S+ \\[\\d+\\] BundleEvent STARTED$").matcher(ring.substring(announced)).find(),
                "no bundle started after the collection began\n" + ring);
    }

    /** Waits until every entry has its summary (the last start collects them in the background). */
    private static List<Path> awaitCollected(Path crashes, String context) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<Path> entries;
            try (Stream<Path> list = Files.list(crashes)) {
                entries = list.filter(path -> CrashEntry.isId(path.getFileName().toString())).sorted().toList();
            }
            if (entries.stream().allMatch(entry -> Files.exists(entry.resolve(CrashEntry.SUMMARY_JSON)))) {
                return entries;
            }
            assertTrue(System.nanoTime() < deadline, "not every entry collected within " + TIMEOUT + ": " + entries + "\n" + context);
            Thread.sleep(50);
        }
    }

    private static long pid(Path entry) {
        Matcher pid = Pattern.compile("-(\\d+)$").matcher(entry.getFileName().toString());
        assertTrue(pid.find(), entry.toString());
        return Long.parseLong(pid.group(1));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
