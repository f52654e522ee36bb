package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.api.ZoneIds.NO_ID;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.api.ArenaFullException;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.backend.Backend;
import org.kmemdump.directory.internal.ClaimedDirectory;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.ThreadsSnapshot;
import org.kmemdump.format.ZoneDirectory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * The runtime activated and deactivated as SCR does it, with the system bundle's context of a real
 * Felix framework, on a real arena in a temporary directory: an activation is all or nothing, and
 * no size a configuration or a bundle asks for leaves the arena unusable for the others.
 */
class KmemdumpRuntimeTest {
    private static final long ARENA_SIZE = 4L << 20;
    private static final Owner BUNDLE = new Owner(42, "test.bundle");
    private static final Owner OTHER_BUNDLE = new Owner(43, "other.bundle");

    @TempDir
    Path work;

    private Framework framework;
    /** The kmemdump directory as its component holds it while the runtime comes and goes. */
    private ClaimedDirectory claimed;
    private final List<KmemdumpRuntime> active = new ArrayList<>();

    @AfterEach
    void stop() throws BundleException, InterruptedException, IOException {
        active.forEach(KmemdumpRuntime::deactivate);
        if (claimed != null) {
            claimed.release();
        }
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    private Path directory() {
        return work.resolve("kmemdump");
    }

    /** The system bundle's context of a framework, and the kmemdump directory {@code directory} claimed as its component does. */
    private BundleContext context(Path directory) throws BundleException {
        framework = EmbeddedFelix.start(work.resolve("framework"));
        claimed = new ClaimedDirectory(directory);
        return framework.getBundleContext();
    }

    private static KmemdumpRuntime.Config config(long arenaSize, long logRingSize) {
        return config(arenaSize, logRingSize, 0, "");
    }

    private static KmemdumpRuntime.Config config(long arenaSize, long logRingSize, long threadsSize) {
        return config(arenaSize, logRingSize, threadsSize, "");
    }

    private static KmemdumpRuntime.Config config(long arenaSize, long logRingSize, String pinned) {
        return config(arenaSize, logRingSize, 0, pinned);
    }

    private static KmemdumpRuntime.Config config(long arenaSize, long logRingSize, long threadsSize, String pinned) {
        return new KmemdumpRuntime.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return KmemdumpRuntime.Config.class;
            }

            @Override
            public String pinned_backend() {
                return pinned;
            }

            @Override
            public String[] backend_allow() {
                return new String[0];
            }

            @Override
            public long arena_size() {
                return arenaSize;
            }

            @Override
            public long log_ring_size() {
                return logRingSize;
            }

            @Override
            public double threads_period() {
                return 0;
            }

            @Override
            public int threads_depth() {
                return ThreadsZoneWriter.DEFAULT_DEPTH;
            }

            @Override
            public long threads_size() {
                return threadsSize;
            }

            @Override
            public double watchdog_period() {
                return 0;
            }

            @Override
            public double watchdog_stall() {
                return ThreadWatch.DEFAULT_STALL;
            }

            @Override
            public boolean watchdog_exit() {
                return false;
            }

            @Override
            public String log_jul_level() {
                return "WARNING";
            }

            @Override
            public long components_zone_size() {
                return ComponentsZone.DEFAULT_SIZE;
            }

            @Override
            public String sync() {
                return ArenaSync.NONE_NAME;
            }

            @Override
            public double sync_period() {
                return ArenaSync.DEFAULT_PERIOD;
            }
        };
    }

    private KmemdumpRuntime activate(BundleContext context, long arenaSize, long logRingSize) throws ZoneRegistrationException {
        KmemdumpRuntime runtime = new KmemdumpRuntime();
        runtime.directory = claimed;
        runtime.activate(context, config(arenaSize, logRingSize), Map.of());
        active.add(runtime);
        return runtime;
    }

    private static boolean heartbeatRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(thread -> thread.getName().equals("kmemdump-heartbeat"));
    }

    /** Waits a little: a stopped executor's thread ends just after its shutdown returns. */
    private static void assertNoHeartbeatThread() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (heartbeatRunning() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(heartbeatRunning(), "a kmemdump-heartbeat thread is still running");
    }

    private ArenaFile.Header arenaHeader() throws IOException {
        Path file = directory().resolve(ArenaFile.FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            return ArenaFile.read(channel.map(MapMode.READ_ONLY, 0, ArenaFile.HEADER_LENGTH, arena), channel.size(), file.toString());
        }
    }

    /** The arena file as the collector reads it after a kill: the header, the valid directory entries, the bytes of an entry. */
    private record ArenaFileView(ArenaFile.Header header, List<ZoneDirectory.Entry> entries, byte[] bytes) {
        ZoneDirectory.Entry entry(int id) {
            return entries.stream().filter(entry -> entry.id() == id).findFirst().orElseThrow();
        }

        byte[] contents(ZoneDirectory.Entry entry) {
            assertTrue(header.holds(entry.address(), entry.size()), entry + " lies outside the arena's main mapping " + header);
            int offset = Math.toIntExact(header.offsetOf(entry.address()));
            return Arrays.copyOfRange(bytes, offset, offset + Math.toIntExact(entry.size()));
        }
    }

    private ArenaFileView arenaFile() throws IOException {
        Path file = directory().resolve(ArenaFile.FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = channel.map(MapMode.READ_ONLY, 0, channel.size(), arena);
            return new ArenaFileView(ArenaFile.read(mapped, channel.size(), file.toString()), ArenaFile.directory(mapped).validEntries(),
                    mapped.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private static List<Integer> ids(KmemdumpRuntime runtime) {
        return runtime.table().zones().stream().map(ZoneSlot::id).toList();
    }

    /**
     * Issue 9: zone 8 was registered by a component of its own, after the runtime, so a listing
     * right after start (a {@code -c} script, a test) could miss it. The runtime's activation
     * registers all its zones; the threads zone has no snapshot until ThreadWatch writes one.
     */
    @Test
    void everyZoneOfTheRuntimeIsRegisteredWhenItHasActivated() throws Exception {
        BundleContext context = context(directory());
        KmemdumpRuntime runtime = new KmemdumpRuntime();
        runtime.directory = claimed;
        runtime.activate(context, config(ARENA_SIZE, LogRingWriter.DEFAULT_SIZE, 64 * 1024), Map.of());
        active.add(runtime);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), ids(runtime), "no other component has run");
        ArenaFileView file = arenaFile();
        byte[] threads = file.contents(file.entry(ZoneIds.THREADS));
        assertEquals(64 * 1024, threads.length);
        MemorySegment copy = Arena.ofAuto().allocate(threads.length, 8).copyFrom(MemorySegment.ofArray(threads));
        assertNull(ThreadsSnapshot.open(copy, "zone 8").newest(), "a threads zone, empty");
        assertNull(runtime.threadsProblem());

        runtime.deactivate();
        active.remove(runtime);
        KmemdumpRuntime without = activate(context, ARENA_SIZE, LogRingWriter.DEFAULT_SIZE);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 9), ids(without), "threads.size 0: no zone 8");
        assertEquals("the threads zone is disabled: threads.size is 0 in PID org.kmemdump.core", without.threadsProblem());
    }

    /** Issue 7: the arena, its directory claim, heartbeat and shutdown hook outlived a failed activation. */
    @Test
    void anActivationThatFailsPartWayReleasesWhatItTookAndTheNextOneGetsTheArena() throws Exception {
        BundleContext context = context(directory());
        KmemdumpRuntime failed = new KmemdumpRuntime();
        failed.directory = claimed;
        long coreimageOnly = ArenaFile.ZONES_START + 32 * 1024; // the coreimage zones fit, the bundle table does not
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> failed.activate(context, config(coreimageOnly, LogRingWriter.DEFAULT_SIZE), Map.of()));
        assertTrue(full.getMessage().contains("raise arena.size"), full.getMessage());
        assertNoHeartbeatThread();
        assertTrue(arenaHeader().cleanShutdown(), "the failed activation closed its arena");
        assertEquals(List.of(), ids(failed), "and unregistered the zones it had registered");

        KmemdumpRuntime next = activate(context, ARENA_SIZE, LogRingWriter.DEFAULT_SIZE);
        String arena = directory().toRealPath().resolve(ArenaFile.FILE_NAME).toString();
        assertTrue(next.arenaStatus().startsWith(arena + ": "), "the persistent arena, not ordinary memory: " + next.arenaStatus());
        assertFalse(arenaHeader().cleanShutdown());
        next.allocate(NO_ID, "persistent", 4096, false, BUNDLE, zone -> { }).close();
        next.deactivate();
        active.remove(next);
        assertNoHeartbeatThread();
        assertTrue(arenaHeader().cleanShutdown());
    }

    /** Issue 8: a clean stop lets go of the zones, not of their record: the log ring stays listed, so the stopped run's log is read. */
    @Test
    void aCleanStopKeepsTheZoneDirectoryAsItWas() throws Exception {
        KmemdumpRuntime runtime = activate(context(directory()), ARENA_SIZE, LogRingWriter.DEFAULT_SIZE);
        List<ZoneDirectory.Entry> running = arenaFile().entries();
        runtime.deactivate();
        active.remove(runtime);
        ArenaFileView stopped = arenaFile();
        assertTrue(stopped.header().cleanShutdown(), "the mark says the process let the zones go");
        assertEquals(running, stopped.entries());
        assertTrue(running.stream().anyMatch(entry -> entry.id() == ZoneIds.LOG), running.toString());
    }

    /** Issue 10, defect 3: the ring's 2^63-1 bytes wrapped the allocator, and every bundle's allocations failed after. */
    @Test
    void aLogRingLargerThanTheArenaIsAWarningAndTheArenaStaysUsable() throws Exception {
        KmemdumpRuntime runtime = activate(context(directory()), ARENA_SIZE, Long.MAX_VALUE);
        assertNull(runtime.logRing());
        assertTrue(runtime.logRingProblem().startsWith("no log ring: "), runtime.logRingProblem());
        assertFalse(ids(runtime).contains(ZoneIds.LOG));
        PersistentZone zone = runtime.allocate(NO_ID, "after", 4096, false, BUNDLE, closed -> { });
        assertEquals(ZoneIds.NO_ID, zone.zone().id());
        zone.close();
    }

    /** Without a persistent arena the ring is ordinary memory: 2^63-1 bytes are refused, not asked of malloc. */
    @Test
    void aLogRingLargerThanTheArenaSizeIsAWarningInOrdinaryMemoryToo() throws Exception {
        Path notADirectory = Files.writeString(work.resolve("a-file"), "");
        KmemdumpRuntime runtime = activate(context(notADirectory), ARENA_SIZE, Long.MAX_VALUE);
        assertTrue(runtime.arenaStatus().startsWith("no persistent dump arena"), runtime.arenaStatus());
        assertNull(runtime.logRing());
        assertTrue(runtime.logRingProblem().startsWith("no log ring: "), runtime.logRingProblem());
        assertTrue(ids(runtime).contains(ZoneIds.BUNDLES), "the runtime's other zones are there");
    }

    /** Issue 10, defect 3, as it was found: a huge zone, then a normal one, then another bundle frees its zone. */
    /** Framework properties named kmemdump.* are recorded; a secret-looking key keeps its value out. */
    @Test
    void theConfigZoneRedactsValuesOfKeysThatLookSecret() throws Exception {
        List<String> secretKeys = List.of("kmemdump.upload.token", "kmemdump.Proxy.Password", "kmemdump.api-key",
                "kmemdump.client_secret", "kmemdump.credentials");
        secretKeys.forEach(key -> System.setProperty(key, "hunter2"));
        System.setProperty("kmemdump.site", "eu-1");
        try {
            KmemdumpRuntime runtime = activate(context(directory()), ARENA_SIZE, LogRingWriter.DEFAULT_SIZE);
            MemorySegment zone = runtime.table().zones().stream().filter(slot -> slot.id() == ZoneIds.CONFIG).findFirst()
                    .orElseThrow().memory();
            String text = zone.getString(0);
            for (String key : secretKeys) {
                assertTrue(text.contains(key + "=" + SecretValues.REDACTED + "\n"), key + " in\n" + text);
            }
            assertTrue(text.contains("kmemdump.site=eu-1\n"), text);
            assertFalse(text.contains("hunter2"), text);
        } finally {
            secretKeys.forEach(System::clearProperty);
            System.clearProperty("kmemdump.site");
        }
    }

    @Test
    void aHugeZoneIsArenaFullAndEveryOtherBundleCarriesOn() throws Exception {
        KmemdumpRuntime runtime = activate(context(directory()), ARENA_SIZE, LogRingWriter.DEFAULT_SIZE);
        String withoutBundleZones = runtime.arenaStatus();
        PersistentZone anothers = runtime.allocate(NO_ID, "anothers", 4096, false, OTHER_BUNDLE, closed -> { });
        List<ZoneSlot> zones = runtime.table().zones();
        String arena = runtime.arenaStatus();
        ArenaFullException full = assertThrows(ArenaFullException.class,
                () -> runtime.allocate(NO_ID, "huge", Long.MAX_VALUE, false, BUNDLE, closed -> { }));
        assertTrue(full.getMessage().contains("raise arena.size"), full.getMessage());
        assertEquals(zones, runtime.table().zones());
        assertEquals(arena, runtime.arenaStatus());
        runtime.allocate(NO_ID, "normal", 4096, false, BUNDLE, closed -> { }).close();
        anothers.close();
        assertEquals(withoutBundleZones, runtime.arenaStatus(), "every byte came back");
    }

    /**
     * Issue 7: a part of an arena zone's memory registered as a zone of its own was recorded at its
     * address in the bundle's own mapping, outside the arena's main mapping, so after kill -9 the
     * collector reported it lost. It is recorded where the main mapping has its bytes, and the zone
     * directory, the registry, the coreimage's PT_LOAD and VMCOREINFO line all say the same. Closing
     * the arena zone unregisters the part too: nothing may name a freed block.
     */
    @Test
    void aSliceOfAnArenaZoneIsRecordedWhereItsBytesAreInTheArena() throws Exception {
        KmemdumpRuntime runtime = activate(context(directory()), ARENA_SIZE, LogRingWriter.DEFAULT_SIZE);
        PersistentZone whole = runtime.allocate(NO_ID, "whole", 4096, false, BUNDLE, closed -> { });
        MemorySegment slice = whole.memory().asSlice(1000, 300);
        byte[] pattern = CoreFixture.pattern(300, 7);
        slice.copyFrom(MemorySegment.ofArray(pattern));
        Zone zone = runtime.table().register(NO_ID, "slice", slice, BUNDLE).zone();
        assertEquals(whole.zone().address() + 1000, zone.address(), "the slice's address in the arena's main mapping");

        ArenaFileView arena = arenaFile();
        assertEquals(new ZoneDirectory.Entry(zone.id(), "slice", zone.address(), 300), arena.entry(zone.id()));
        assertArrayEquals(pattern, arena.contents(arena.entry(zone.id())), "the entry leads to the slice's bytes in the file");

        Path core = work.resolve("core.elf");
        runtime.dump(core, false).forEach(outcome -> assertNull(outcome.problem(), outcome.toString()));
        CoreFile elf = new CoreFile(Files.readAllBytes(core));
        CoreFile.Segment load = elf.loads().stream().filter(segment -> segment.vaddr() == zone.address()).findFirst()
                .orElseThrow(() -> new AssertionError("no PT_LOAD at 0x" + Long.toHexString(zone.address()) + ": " + elf.loads()));
        assertArrayEquals(pattern, elf.contents(load));
        assertTrue(elf.note("VMCOREINFO", 0).text().contains("ZONE(" + zone.id() + ")=slice,0x" + Long.toHexString(zone.address()) + ",300\n"),
                elf.note("VMCOREINFO", 0).text());

        whole.close();
        assertFalse(ids(runtime).contains(zone.id()), "closing the arena zone unregistered its part: the block may be another zone's next");
        assertTrue(arenaFile().entries().stream().noneMatch(entry -> entry.id() == zone.id()), "nothing in the file names the freed block");
    }

    /**
     * Issue 12: {@code kmemdump:backends} once showed {@code * minidump} with {@code pinned by
     * configuration: default}: it read the backends and the active one, printed them, and only then
     * read the pin, so a pin applied while it printed mixed two moments. Here the pin changes just
     * as the starred row is printed: the pin line must still name the starred backend.
     */
    @Test
    void theBackendsCommandShowsTheActiveBackendAndThePinOfOneMoment() throws Exception {
        BundleContext context = context(directory());
        KmemdumpRuntime runtime = activate(context, ARENA_SIZE, LogRingWriter.DEFAULT_SIZE);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        for (String name : List.of("alpha", "beta")) {
            RecordingBackend backend = new RecordingBackend(name, calls);
            runtime.bindBackend(context.registerService(Backend.class, backend, null).getReference(), backend);
        }
        runtime.modified(config(ARENA_SIZE, LogRingWriter.DEFAULT_SIZE, "beta"), Map.of());
        ByteArrayOutputStream printed = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] bytes, int offset, int length) {
                boolean firstStar = !toString().contains("\n*");
                super.write(bytes, offset, length);
                if (firstStar && toString().contains("\n*")) {
                    runtime.modified(config(ARENA_SIZE, LogRingWriter.DEFAULT_SIZE, "alpha"), Map.of());
                }
            }
        };
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true));
        try {
            new KmemdumpCommands(runtime).backends();
        } finally {
            System.setOut(stdout);
        }
        String output = printed.toString();
        Matcher active = Pattern.compile("(?m)^\\*\\s+(\\S+)").matcher(output);
        Matcher pinned = Pattern.compile("(?m)^pinned by configuration: (\\S+)$").matcher(output);
        assertTrue(active.find() && pinned.find(), output);
        assertEquals(pinned.group(1), active.group(1), output);
        assertEquals("alpha", runtime.backendChoice().pinned(), "the pin did change while it printed");
    }
}
