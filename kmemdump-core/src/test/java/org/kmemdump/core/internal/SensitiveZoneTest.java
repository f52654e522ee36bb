package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.core.internal.CoreFixture.pattern;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.core.internal.CoreDump.Outcome;
import org.kmemdump.core.internal.CoreFile.Segment;

/**
 * A sensitive zone: never handed to a backend, zeros in {@code kmemdump:dump} unless asked for,
 * and its pages marked {@code dd} (MADV_DONTDUMP) in {@code /proc/self/smaps} while registered.
 */
class SensitiveZoneTest {
    private final CoreFixture fixture;
    private final List<String> log = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    @TempDir
    Path directory;

    SensitiveZoneTest() throws ZoneRegistrationException {
        fixture = new CoreFixture();
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private ZoneSlot secret(ZoneTable table, int id, MemorySegment memory) throws ZoneRegistrationException {
        return table.register(id, "secret", memory, CoreFixture.RUNTIME, true);
    }

    @Test
    void theBackendIsNeverToldOfASensitiveZoneNorOnASwap() throws ZoneRegistrationException {
        ZoneTable table = new ZoneTable(warnings::add);
        RecordingBackend first = new RecordingBackend("first", log);
        table.changeBackends(() -> { }, () -> first);
        ZoneSlot secret = secret(table, 50, fixture.arena.allocate(16));
        table.register(51, "plain", fixture.arena.allocate(16), CoreFixture.RUNTIME);
        RecordingBackend second = new RecordingBackend("second", log);
        table.changeBackends(() -> { }, () -> second);
        table.unregister(50, CoreFixture.RUNTIME);
        assertEquals(List.of("first +51", "first -51", "second +51"), log);
        assertTrue(secret.sensitive() && secret.zone().sensitive());
        assertEquals(List.of(), warnings);
    }

    @Test
    void theDumpWritesZerosForASensitiveZoneUnlessAskedFor() throws IOException, ZoneRegistrationException {
        MemorySegment memory = fixture.arena.allocate(64);
        memory.copyFrom(MemorySegment.ofArray(pattern(64, 3)));
        ZoneSlot secret = secret(fixture.table, 50, memory);
        byte[] everything = fixture.concatenation();
        Segment load = new CoreFile(everything).loads().stream().filter(s -> s.vaddr() == secret.address()).findFirst().orElseThrow();
        byte[] withheld = everything.clone();
        Arrays.fill(withheld, (int) load.offset(), (int) (load.offset() + load.filesz()), (byte) 0);

        Path core = directory.resolve("core");
        List<Outcome> outcomes = CoreDump.write(fixture.table, core, false);
        assertEquals(List.of(CoreDump.WITHHELD), outcomes.stream().filter(o -> o.problem() != null).map(Outcome::problem).toList());
        assertTrue(outcomes.stream().filter(o -> o.zone().id() == 50).findFirst().orElseThrow().withheld());
        assertTrue(Arrays.equals(withheld, new CoreFile(Files.readAllBytes(core)).zones()), "the zone's bytes are zeros, everything else as it is");

        assertEquals(List.of(), outcomes(CoreDump.write(fixture.table, core, true)));
        assertTrue(Arrays.equals(everything, new CoreFile(Files.readAllBytes(core)).zones()), "--include-sensitive writes the bytes");
    }

    private static List<String> outcomes(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o.problem() != null).map(Object::toString).toList();
    }

    /** A real shared file mapping, as the arena's: the kernel marks its pages dd while the zone is registered. */
    @Test
    void aSensitiveZonesPagesAreLeftOutOfOsCoreDumpsWhileRegistered() throws IOException, ZoneRegistrationException {
        ZoneTable table = new ZoneTable(warnings::add);
        Path file = directory.resolve("mapped");
        try (Arena mapping = Arena.ofShared();
                FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE))) {
            channel.write(java.nio.ByteBuffer.allocate(1), 3 * 4096 - 1);
            MemorySegment pages = channel.map(FileChannel.MapMode.READ_WRITE, 0, 3 * 4096, mapping);
            MemorySegment middle = pages.asSlice(4096 + 100, 200);
            assertFalse(dontDump(middle), "a fresh mapping is dumped");
            secret(table, 50, middle);
            assertTrue(dontDump(middle), "VmFlags has dd for the zone's page");
            table.unregister(50, CoreFixture.RUNTIME);
            assertFalse(dontDump(middle), "MADV_DODUMP when it is unregistered and its memory stays");
        }
        assertEquals(List.of(), warnings);
    }

    /** @return whether the smaps entry holding {@code memory}'s first byte has {@code dd} in its VmFlags */
    private static boolean dontDump(MemorySegment memory) throws IOException {
        long address = memory.address();
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            String first = line.split(" ", 2)[0];
            if (first.matches("[0-9a-f]+-[0-9a-f]+")) {
                String[] range = first.split("-");
                inside = Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16);
            } else if (inside && line.startsWith("VmFlags:")) {
                return Arrays.asList(line.substring("VmFlags:".length()).trim().split(" ")).contains("dd");
            }
        }
        throw new AssertionError("no mapping in /proc/self/smaps holds 0x" + Long.toHexString(address));
    }
}
