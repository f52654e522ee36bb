package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.CrashEntry;

/**
 * The promise of the whole project: whatever way the JVM ends, an outside collector gets the
 * zones back. A child JVM runs the real distribution with the minidump backend and is killed with
 * SIGKILL or stopped with SIGSTOP; the real collector jar then writes a core that readelf and gdb
 * read, and every zone's bytes are compared with what the child wrote.
 */
class CrashIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path RUNTIME = property("kmemdump.minidump.jar");
    private static final Path TEST_BUNDLES = property("kmemdump.test.bundles");
    /** A row of the collector's region table: id, name, address, size, source (maybe "arena (directory)"), outcome. */
    private static final Pattern REGION_ROW = Pattern.compile(
            "(?m)^\\s+(\\d+)\\s+(\\S+)\\s+0x([0-9a-f]{16})\\s+(\\d+)\\s+(\\S+(?: \\(directory\\))?)\\s+(.+)$");
    private static final Pattern CHURN = Pattern.compile("(?m)^CHURN ([+-]) (\\d+)(?: c(\\d+) (\\d+))?$");

    @TempDir
    Path work;

    private static Path property(String name) {
        return Path.of(System.getProperty(name, "missing-system-property-" + name)).toAbsolutePath();
    }

    private Child startWith(String bundle, String... properties) {
        List<String> arguments = new ArrayList<>(List.of(properties));
        arguments.add("-Dgosh.args=--nointeractive -c start file:" + TEST_BUNDLES.resolve(bundle + ".jar") + "; kmemdump:zones");
        Child runtime = Runtimes.start("runtime", RUNTIME, work, arguments.toArray(String[]::new));
        runtime.awaitStdout(0, Pattern.compile("(?m)^arena: "), TIMEOUT);
        return runtime;
    }

    /** Runs the collector jar; returns its exit code and output. */
    private record Collected(int exit, String output) {
        Map<String, String> outcomes() {
            Map<String, String> outcomes = new HashMap<>();
            Matcher row = REGION_ROW.matcher(output);
            while (row.find()) {
                outcomes.put(row.group(2), row.group(6).trim());
            }
            return outcomes;
        }
    }

    private Collected collector(String... arguments) {
        CollectorJar.Result result = CollectorJar.run(work, arguments);
        return new Collected(result.exit(), result.output());
    }

    private Collected collect(Path core, Path bins) {
        return collector("collect", Runtimes.kmemdumpDirectory(work).toString(), "-o", core.toString(), "--bins", bins.toString());
    }

    private static byte[] filled(int size, char value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** The consumer's zones from the runtime's zone table: name to address. */
    private static Map<String, String> addresses(Child runtime) {
        Map<String, String> addresses = new HashMap<>();
        Matcher row = Pattern.compile("(?m)^\\s*\\d+\\s+(\\S+)\\s+(0x[0-9a-f]{16})\\s").matcher(runtime.stdout());
        while (row.find()) {
            addresses.put(row.group(1), row.group(2));
        }
        return addresses;
    }

    @Test
    void aKilledRuntimesArenaZonesAreCollectedByteForByte() throws IOException {
        Map<String, String> addresses;
        try (Child runtime = startWith("zone-consumer")) {
            addresses = addresses(runtime);
            assertTrue(addresses.keySet().containsAll(List.of("consumer-0", "consumer-native")), runtime.describe());
            runtime.kill();
        }
        Path core = work.resolve("core.elf");
        Path bins = work.resolve("bins");
        Collected collected = collect(core, bins);
        assertEquals(1, collected.exit(), "one zone lived outside the arena and died with the JVM\n" + collected.output());
        Map<String, String> outcomes = collected.outcomes();
        for (int n = 0; n < 3; n++) {
            assertEquals("ok", outcomes.get("consumer-" + n), collected.output());
            assertArrayEquals(filled(4096, (char) ('A' + n)), Files.readAllBytes(bins.resolve("md_consumer-" + n + ".BIN")));
        }
        assertTrue(outcomes.get("consumer-native").startsWith("lost"), collected.output());
        assertTrue(Files.readString(bins.resolve("md_release.BIN")).startsWith("kmemdump-"));

        String elf = HostTools.readelf(core, work);
        assertTrue(elf.contains("CORE (Core file)") && elf.contains(HostTools.machine()) && elf.contains("VMCOREINFO"), elf);
        String address = "0x" + Long.toHexString(Long.decode(addresses.get("consumer-1")));
        String gdb = HostTools.gdbString(core, address, work);
        assertTrue(gdb.contains(address + ":\t'B' <repeats 200 times>"), "gdb reads zone consumer-1\n" + gdb);
    }

    /**
     * Issue 7: a bundle registered a part of its arena zone's own mapping as a zone of its own; after
     * SIGKILL the collector reported it lost, though its bytes are in the arena file. The zone-consumer
     * registers bytes 1024..1535 of consumer-2 as consumer-slice, byte i being 'a' + i % 26.
     */
    @Test
    void aKilledRuntimesSliceOfAnArenaZoneIsCollectedByteForByte() throws IOException {
        Map<String, String> addresses;
        try (Child runtime = startWith("zone-consumer", "-Dkmemdump.consumer.slice=true")) {
            addresses = addresses(runtime);
            assertTrue(addresses.keySet().containsAll(List.of("consumer-2", "consumer-slice")), runtime.describe());
            runtime.kill();
        }
        assertEquals(Long.decode(addresses.get("consumer-2")) + 1024, Long.decode(addresses.get("consumer-slice")),
                "kmemdump:zones shows the slice inside consumer-2");
        Path bins = work.resolve("bins");
        Collected collected = collect(work.resolve("core.elf"), bins);
        assertEquals(1, collected.exit(), "only consumer-native lived outside the arena\n" + collected.output());
        assertEquals("ok", collected.outcomes().get("consumer-slice"), collected.output());
        byte[] slice = new byte[512];
        for (int i = 0; i < slice.length; i++) {
            slice[i] = (byte) ('a' + i % 26);
        }
        assertArrayEquals(slice, Files.readAllBytes(bins.resolve("md_consumer-slice.BIN")));
        assertArrayEquals(slice, Arrays.copyOfRange(Files.readAllBytes(bins.resolve("md_consumer-2.BIN")), 1024, 1536),
                "the same bytes, in the zone they are part of");
    }

    /**
     * Issue 10: a zone registered sensitive leaves a killed runtime's directory only when the
     * operator asks: listed but not in the core or the bins by default, byte for byte with
     * --include-sensitive.
     */
    @Test
    void aKilledRuntimesSensitiveZoneIsCollectedOnlyWhenAskedFor() throws IOException {
        String secret = "feature-secret-" + Long.toHexString(new Random().nextLong());
        byte[] secretBytes = secret.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (Child runtime = startWith("zone-consumer", "-Dkmemdump.consumer.secret=" + secret)) {
            assertTrue(addresses(runtime).containsKey("consumer-keys"), runtime.describe());
            runtime.kill();
        }
        Path core = work.resolve("core.elf");
        Path bins = work.resolve("bins");
        Collected withheld = collect(core, bins);
        assertEquals(1, withheld.exit(), "only consumer-native is lost; a sensitive zone left out is no loss\n" + withheld.output());
        assertTrue(withheld.outcomes().get("consumer-keys").startsWith("sensitive: not collected"), withheld.output());
        assertTrue(Files.notExists(bins.resolve("md_consumer-keys.BIN")), withheld.output());
        assertEquals(-1, indexOf(Files.readAllBytes(core), secretBytes), "the secret is not in the core");
        try (var files = Files.list(bins)) {
            for (Path bin : files.toList()) {
                assertEquals(-1, indexOf(Files.readAllBytes(bin), secretBytes), "the secret is not in " + bin);
            }
        }

        Path included = work.resolve("included.elf");
        Collected asked = collector("collect", Runtimes.kmemdumpDirectory(work).toString(), "-o", included.toString(), "--bins",
                work.resolve("included-bins").toString(), "--include-sensitive");
        assertEquals("ok", asked.outcomes().get("consumer-keys"), asked.output());
        assertArrayEquals(secretBytes, Arrays.copyOf(Files.readAllBytes(work.resolve("included-bins/md_consumer-keys.BIN")), secretBytes.length));
        assertTrue(indexOf(Files.readAllBytes(included), secretBytes) >= 0, "--include-sensitive puts it in the core");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int at = 0; at <= haystack.length - needle.length; at++) {
            if (Arrays.equals(haystack, at, at + needle.length, needle, 0, needle.length)) {
                return at;
            }
        }
        return -1;
    }

    @Test
    void aStoppedRuntimeIsCollectedWholeIncludingItsOrdinaryMemory() throws Exception {
        try (Child runtime = startWith("zone-consumer")) {
            signal("STOP", runtime.pid());
            try {
                String inspect = collector("inspect", Runtimes.kmemdumpDirectory(work).toString()).output();
                assertTrue(inspect.contains("stopped"), inspect);
                Path bins = work.resolve("bins");
                Collected collected = collect(work.resolve("core.elf"), bins);
                assertEquals(0, collected.exit(), collected.output());
                assertArrayEquals(filled(4096, 'N'), Files.readAllBytes(bins.resolve("md_consumer-native.BIN")),
                        "read from the stopped process's memory");
                assertArrayEquals(filled(4096, 'C'), Files.readAllBytes(bins.resolve("md_consumer-2.BIN")));
            } finally {
                signal("CONT", runtime.pid());
            }
        }
    }

    @Test
    void aTerminatedRuntimeEndsCleanlyAndTheNextStartKeepsNothing() throws Exception {
        try (Child runtime = startWith("zone-consumer")) {
            signal("TERM", runtime.pid());
            runtime.awaitExit(TIMEOUT);
        }
        String inspect = collector("inspect", Runtimes.kmemdumpDirectory(work).toString()).output();
        assertTrue(inspect.contains("cleanly shut down"), "SIGTERM is a clean end\n" + inspect);
        try (Child next = startWith("zone-consumer")) {
            assertTrue(Files.notExists(Runtimes.kmemdumpDirectory(work).resolve("previous")),
                    "a clean end leaves nothing to keep\n" + next.describe());
            Path crashes = Runtimes.kmemdumpDirectory(work).resolve(CrashEntry.CRASHES);
            try (var entries = Files.list(crashes)) {
                assertEquals(0, entries.count(), "a clean end is no crash entry\n" + next.describe());
            }
            assertTrue(Files.exists(Runtimes.kmemdumpDirectory(work).resolve(CrashEntry.STOPPED).resolve(ArenaFile.FILE_NAME)),
                    "the cleanly stopped run is kept in stopped/\n" + next.describe());
        }
    }

    private void signal(String name, long pid) throws IOException {
        try (Child kill = Child.start("kill", List.of("kill", "-" + name, Long.toString(pid)), work)) {
            assertEquals(0, kill.awaitExit(TIMEOUT), kill.describe());
        }
    }

    /**
     * Many rounds of: start, let zones churn and backends swap, SIGKILL at a random moment, collect.
     * Every zone announced as registered (and not yet being unregistered) is recovered with its exact
     * bytes; every other zone the collector reports is one being unregistered at the kill or the single
     * one whose registration was under way: never a torn, mixed or invented region.
     */
    @Test
    void killedAtRandomMomentsNothingIsTornAndEveryRegisteredZoneIsRecovered() throws IOException {
        int rounds = Integer.getInteger("kmemdump.crash.rounds", 12);
        Random random = new Random(Long.getLong("kmemdump.crash.seed", System.nanoTime()));
        for (int round = 0; round < rounds; round++) {
            Path roundDirectory = Files.createDirectory(work.resolve("round-" + round));
            Path announcements = roundDirectory.resolve("churn.log");
            try (Child runtime = startWith("zone-churn", "-Dkmemdump.churn.log=" + announcements)) {
                awaitAnnouncement(announcements, runtime);
                sleep(random.nextInt(20, 600));
                runtime.kill();
            }
            String said = Files.readString(announcements);
            Path bins = roundDirectory.resolve("bins");
            Collected collected = collect(roundDirectory.resolve("core.elf"), bins);
            String context = "round " + round + "\n" + collected.output();
            assertTrue(collected.exit() == 0 || collected.exit() == 1, context);
            checkChurn(said, collected, bins, context);
            deleteRound(roundDirectory);
        }
    }

    /** Compares the collected zones with what the child announced (in its announcement file) before it was killed. */
    private static void checkChurn(String said, Collected collected, Path bins, String context) throws IOException {
        assertTrue(!said.contains("CHURN failed"), "the churning bundle failed\n" + said);
        Map<Integer, long[]> registered = new HashMap<>(); // id -> {n, size}
        Set<Long> withdrawn = new HashSet<>(); // being unregistered at some point: may linger
        long newest = 0;
        // only whole lines: the kill may cut the last one short
        Matcher line = CHURN.matcher(said.substring(0, said.lastIndexOf('\n') + 1));
        while (line.find()) {
            int id = Integer.parseInt(line.group(2));
            if (line.group(1).equals("+")) {
                long n = Long.parseLong(line.group(3));
                registered.put(id, new long[] {n, Long.parseLong(line.group(4))});
                newest = Math.max(newest, n);
            } else {
                long[] zone = registered.remove(id); // being unregistered: may or may not still be there
                if (zone != null) {
                    withdrawn.add(zone[0]);
                }
            }
        }
        Map<String, String> outcomes = collected.outcomes();
        for (Map.Entry<Integer, long[]> announced : registered.entrySet()) {
            long[] zone = announced.getValue();
            String name = "c" + zone[0];
            assertEquals("ok", outcomes.get(name), "announced zone " + name + " (id " + announced.getKey() + ") must be recovered; "
                    + "what the child said of that id:\n" + said.lines().filter(l -> l.matches("CHURN [+-] " + announced.getKey() + "( .*)?"))
                    .toList() + "\n" + context);
            assertPattern(zone[0], zone[1], bins.resolve("md_" + name + ".BIN"), context);
        }
        Map<Long, long[]> byName = new HashMap<>();
        registered.values().forEach(zone -> byName.put(zone[0], zone));
        int underway = 0;
        for (String name : outcomes.keySet()) {
            if (name.matches("c\\d+")) {
                long n = Long.parseLong(name.substring(1));
                if (!byName.containsKey(n) && !withdrawn.contains(n)) {
                    assertTrue(n > newest, name + " was neither announced, nor being unregistered, nor the registration under way\n"
                            + context);
                    underway++;
                }
            }
        }
        assertTrue(underway <= 1, "only one registration can be under way at the kill\n" + context);
        for (String runtimeZone : List.of("ELF", "VMCOREINFO", "config", "release", "banner", "bundles", "log")) {
            assertEquals("ok", outcomes.get(runtimeZone), "the runtime's own zone " + runtimeZone + "\n" + context);
        }
    }

    private static void assertPattern(long n, long size, Path bin, String context) throws IOException {
        byte[] bytes = Files.readAllBytes(bin);
        assertTrue(bytes.length >= size, bin + " is shorter than the zone\n" + context);
        for (int i = 0; i < size; i++) {
            if (bytes[i] != (byte) (31 * n + i)) {
                throw new AssertionError(bin + " differs from the pattern at byte " + i + "\n" + context);
            }
        }
    }

    private static void awaitAnnouncement(Path announcements, Child runtime) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(announcements) || !Files.readString(announcements).contains("CHURN +")) {
            assertTrue(System.nanoTime() < deadline, "the churn announced nothing in " + TIMEOUT + "\n" + runtime.describe());
            sleep(10);
        }
    }

    private static void deleteRound(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
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
