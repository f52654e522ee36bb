package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.api.ArenaFullException;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.directory.internal.ClaimedDirectory;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.BootId;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.ZoneDirectory;

/** The arena file as an outside reader sees it, through its own mapping of the real file. */
class DumpArenaTest {
    private static final long SIZE = 1 << 20;

    @TempDir
    Path parent;

    /** The claims of this test, as a runtime's directory component makes them: released at the end. */
    private final List<ClaimedDirectory> claims = new ArrayList<>();

    private Path directory() {
        return parent.resolve("kmemdump");
    }

    /** @return a new claim of the directory, as a runtime starting now would make it */
    private ClaimedDirectory claim() {
        ClaimedDirectory claim = new ClaimedDirectory(directory());
        claims.add(claim);
        return claim;
    }

    private DumpArena open() throws IOException {
        return DumpArena.open(claim(), SIZE);
    }

    /** Releases every claim: the runtimes stopped. */
    @AfterEach
    void release() throws IOException {
        for (ClaimedDirectory claim : claims) {
            claim.release();
        }
    }

    private ArenaFile.Header readHeader() throws IOException {
        Path file = directory().resolve(ArenaFile.FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            return ArenaFile.read(channel.map(MapMode.READ_ONLY, 0, channel.size(), arena), channel.size(), file.toString());
        }
    }

    private byte[] fileBytes(long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        System.arraycopy(Files.readAllBytes(directory().resolve(ArenaFile.FILE_NAME)), (int) offset, bytes, 0, length);
        return bytes;
    }

    @Test
    void createsAnOwnerOnlyArenaWithAHeaderNamingThisProcess() throws Exception {
        try (DumpArena arena = open()) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory())));
            Path file = directory().resolve(ArenaFile.FILE_NAME);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(SIZE, Files.size(file));
            ArenaFile.Header header = readHeader();
            assertEquals(ProcessHandle.current().pid(), header.pid());
            assertFalse(header.cleanShutdown());
            assertTrue(System.currentTimeMillis() - header.heartbeat() < 5_000);
        }
        assertTrue(readHeader().cleanShutdown(), "close marks a clean shutdown");
    }

    @Test
    void aCleanStopIsRecordedWithItsTimeAndTheBoot() throws Exception {
        long before = System.currentTimeMillis();
        try (DumpArena arena = DumpArena.open(claim(), SIZE, new ArenaSync(50, true))) {
            ArenaFile.Header running = readHeader();
            assertEquals(ArenaFile.ENDING_NONE, running.ending());
            assertEquals(0, running.endTime());
            assertEquals(BootId.current(), running.bootId(), "this boot's id");
            Thread.sleep(120); // a periodic sync or two run beside the heartbeat
        }
        ArenaFile.Header stopped = readHeader();
        assertEquals(ArenaFile.ENDING_STOPPED, stopped.ending(), "closed outside a JVM exit: a clean stop");
        assertTrue(stopped.endTime() >= before && stopped.endTime() <= System.currentTimeMillis(), "end time " + stopped.endTime());
        assertTrue(stopped.cleanShutdown());
    }

    @Test
    void aSyncPolicyOutOfRangeIsAWarningAndNoSync() {
        List<String> warnings = new ArrayList<>();
        assertEquals(ArenaSync.NONE, ArenaSync.of("none", 0, warnings::add));
        assertEquals(new ArenaSync(0, true), ArenaSync.of(" Zone-Change ", 0, warnings::add));
        assertEquals(new ArenaSync(2500, false), ArenaSync.of("periodic", 2.5, warnings::add));
        assertEquals(List.of(), warnings);
        assertEquals(ArenaSync.NONE, ArenaSync.of("always", 1, warnings::add));
        assertEquals(ArenaSync.NONE, ArenaSync.of("periodic", 0, warnings::add));
        assertEquals(ArenaSync.NONE, ArenaSync.of("periodic", Double.NaN, warnings::add));
        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("sync 'always' is not none, periodic or zone-change"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("sync.period 0.0 is not between"), warnings.get(1));
    }

    @Test
    void theHeartbeatMoves() throws Exception {
        try (DumpArena arena = open()) {
            long first = readHeader().heartbeat();
            long deadline = System.currentTimeMillis() + 5_000;
            while (readHeader().heartbeat() == first && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(readHeader().heartbeat() > first, "the heartbeat was rewritten within 5 s");
        }
    }

    @Test
    void oneRuntimePerDirectory() throws Exception {
        try (DumpArena arena = open()) {
            IOException busy = assertThrows(IOException.class, () -> open());
            assertTrue(busy.getMessage().contains("in use by another kmemdump runtime"), busy.getMessage());
            IOException kept = assertThrows(IOException.class, () -> DumpArena.open(claims.get(0), SIZE));
            assertTrue(kept.getMessage().contains("in use by another owner"), kept.getMessage());
        }
        release();
        open().close();
    }

    @Test
    void aCrashedRunsFilesAreKeptAndACleanRunsAreReplaced() throws Exception {
        leaveACrashedRun();
        try (DumpArena next = open()) {
            Path previous = directory().resolve(CrashEntry.CRASHES).resolve(CrashEntry.id(2, 1));
            byte[] kept = Files.readAllBytes(previous.resolve(ArenaFile.FILE_NAME));
            assertEquals("last words", new String(kept, (int) ArenaFile.ZONES_START, 10, StandardCharsets.US_ASCII));
            assertEquals("table", Files.readString(previous.resolve("smem")));
            assertFalse(Files.exists(directory().resolve("smem")));
        }
        release();
        try (DumpArena again = open()) {
            assertTrue(Files.exists(directory().resolve(CrashEntry.CRASHES).resolve(CrashEntry.id(2, 1)).resolve(ArenaFile.FILE_NAME)),
                    "a clean run does not replace the kept crash");
            assertTrue(Files.exists(directory().resolve(CrashEntry.STOPPED).resolve(ArenaFile.FILE_NAME)), "the clean run is kept in stopped/");
            assertFalse(readHeader().cleanShutdown());
        }
    }

    /** The files a killed runtime leaves: an arena whose header has no clean-shutdown mark, and a table. */
    private void leaveACrashedRun() throws IOException {
        Files.createDirectory(directory(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (FileChannel channel = FileChannel.open(directory().resolve(ArenaFile.FILE_NAME), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            MemorySegment file = channel.map(MapMode.READ_WRITE, 0, 4 * 4096, arena);
            ArenaFile.create(file, 1, 2, 3);
            file.setString(ArenaFile.ZONES_START, "last words");
        }
        Files.writeString(directory().resolve("smem"), "table");
    }

    @Test
    void aBlockIsTheSamePagesThroughBothMappingsAndFreeingRevokesTheOwnersView() throws Exception {
        try (DumpArena arena = open()) {
            DumpArena.Block block = arena.allocateBlock(100);
            block.owned().setString(0, "through the owner's mapping");
            assertEquals("through the owner's mapping", block.registered().getString(0));
            assertArrayEquals("through".getBytes(), fileBytes(block.offset(), 7), "and in the file");
            assertEquals(block.offset(), block.registered().address() - readHeader().baseAddress());
            arena.free(block);
            assertThrows(IllegalStateException.class, () -> block.owned().get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(block.offset(), arena.allocateBlock(100).offset(), "the block is reused");
        }
    }

    /**
     * Zones start zero, but only reused bytes are cleared: the file is created sparse, and clearing
     * a zone nobody had would make all its pages resident (the threads zone alone is 8 MiB).
     */
    @Test
    void reusedBytesAreClearedAndNeverUsedOnesAreNotTouched() throws Exception {
        try (DumpArena arena = open()) {
            DumpArena.Block first = arena.allocateBlock(4096);
            first.owned().fill((byte) 0x5A);
            arena.free(first);
            MemorySegment runtimeZone = arena.allocate(SIZE / 2, 8);
            assertEquals(first.offset(), runtimeZone.address() - readHeader().baseAddress(), "the freed block is reused");
            assertEquals(-1, runtimeZone.mismatch(MemorySegment.ofArray(new byte[(int) runtimeZone.byteSize()])), "all zero");
            assertTrue(allocatedKib() < 4096 / 1024 + 64,
                    "the half of the arena given to the zone stays unallocated in the file: " + allocatedKib() + " KiB allocated");
        }
    }

    /** @return how much of the arena file the file system has allocated, per {@code du} */
    private long allocatedKib() throws Exception {
        Process du = new ProcessBuilder("du", "-k", directory().resolve(ArenaFile.FILE_NAME).toString()).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, du.waitFor(), out);
        return Long.parseLong(out.split("\\s+")[0]);
    }

    @Test
    void aPartOfAnOwnersMappingIsFoundInTheMainMappingWhileItsBlockLives() throws Exception {
        try (DumpArena arena = open(); Arena elsewhere = Arena.ofShared()) {
            DumpArena.Block block = arena.allocateBlock(4096);
            MemorySegment part = block.owned().asSlice(1000, 300);
            MemorySegment main = arena.canonical(part);
            assertEquals(block.registered().address() + 1000, main.address());
            assertEquals(300, main.byteSize());
            assertEquals(block.offset() + 1000, main.address() - readHeader().baseAddress(), "where the file has the bytes");
            assertEquals(block.registered().address(), arena.canonical(block.owned()).address(), "the whole block too");
            MemorySegment other = elsewhere.allocate(100);
            assertTrue(arena.canonical(other) == other, "memory outside the arena is itself");
            assertTrue(arena.canonical(block.registered()) == block.registered(), "the main mapping is itself");
            DumpArena.Block later = arena.allocateBlock(4096);
            assertEquals(later.registered().address(), arena.canonical(later.owned()).address(),
                    "a block made after memory outside the arena was looked up is found");
            MemorySegment sameArena = elsewhere.allocate(8);
            assertTrue(arena.canonical(sameArena) == sameArena, "more memory outside the arena is itself too");
            arena.free(later);
            arena.free(block);
            assertTrue(arena.canonical(part) == part, "a freed block's former owner mapping is nothing of the arena's");
        }
    }

    @Test
    void theZoneDirectoryFollowsTheRegistryTouchingOnlyWhatChanged() throws Exception {
        try (DumpArena arena = open()) {
            Owner owner = new Owner(7, "test");
            MemorySegment aMemory = arena.allocateBlock(100).registered();
            MemorySegment bMemory = arena.allocateBlock(200).registered();
            ZoneSlot a = new ZoneSlot(49, "a", aMemory, aMemory, owner, false, null);
            ZoneSlot b = new ZoneSlot(50, "b", bMemory, bMemory, owner, false, null);
            arena.zoneChanged(null, a);
            arena.zoneChanged(null, b);
            assertEquals(List.of(entry(a), entry(b)), directoryEntries());
            long bEntry = ArenaFile.DIRECTORY_START + 50L * ZoneDirectory.ENTRY_SIZE;
            byte[] before = fileBytes(bEntry, ZoneDirectory.ENTRY_SIZE);
            arena.zoneChanged(a, null);
            arena.zoneChanged(b, b.withRefusal("a replay refusal changes nothing here"));
            assertEquals(List.of(entry(b)), directoryEntries());
            assertArrayEquals(before, fileBytes(bEntry, ZoneDirectory.ENTRY_SIZE), "b's entry was not rewritten");
        }
    }

    private static ZoneDirectory.Entry entry(ZoneSlot zone) {
        return new ZoneDirectory.Entry(zone.id(), zone.name(), zone.address(), zone.size());
    }

    private List<ZoneDirectory.Entry> directoryEntries() throws IOException {
        Path file = directory().resolve(ArenaFile.FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = channel.map(MapMode.READ_ONLY, 0, channel.size(), arena);
            ArenaFile.read(mapped, channel.size(), file.toString());
            return ArenaFile.directory(mapped).validEntries();
        }
    }

    @Test
    void anAlignmentTheArenaCannotGiveIsRefusedBeforeABlockIsTaken() throws Exception {
        try (DumpArena arena = open()) {
            String before = arena.describe();
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> arena.allocate(100, 128));
            assertTrue(refused.getMessage().contains("alignment 128"), refused.getMessage());
            assertEquals(before, arena.describe(), "no block was taken");
        }
    }

    /** Issue 10, defect 3: a size near 2^63 wrapped the allocator's rounding and left a negative free block. */
    @Test
    void aHugeSizeIsArenaFullAndTheArenaStaysUsableForEveryone() throws Exception {
        try (DumpArena arena = open()) {
            DumpArena.Block anothers = arena.allocateBlock(100);
            String before = arena.describe();
            for (long huge : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 62, Long.MAX_VALUE - 63, SIZE}) {
                ArenaFullException full = assertThrows(ArenaFullException.class, () -> arena.allocateBlock(huge));
                assertTrue(full.getMessage().contains(huge + " bytes"), full.getMessage());
                IllegalStateException runtimeZone = assertThrows(IllegalStateException.class, () -> arena.allocate(huge, 8));
                assertTrue(runtimeZone.getMessage().contains("raise arena.size"), runtimeZone.getMessage());
                assertEquals(before, arena.describe(), "nothing changed after asking for " + huge + " bytes");
            }
            DumpArena.Block normal = arena.allocateBlock(4096);
            arena.free(anothers);
            arena.free(normal);
            long zoneSpace = SIZE - ArenaAllocator.roundUp(ArenaFile.ZONES_START);
            assertEquals(zoneSpace, arena.allocateBlock(zoneSpace).size(), "everything is one free block again");
        }
    }

    /** A size the file system or the address space cannot take fails the open, and leaves no arena behind to block the next one. */
    @Test
    void anArenaThatCannotBeCreatedLeavesNothingBehind() throws Exception {
        ClaimedDirectory claim = claim();
        assertThrows(IOException.class, () -> DumpArena.open(claim, Long.MAX_VALUE));
        assertFalse(Files.exists(directory().resolve(ArenaFile.FILE_NAME)), "the failed arena's file is gone");
        DumpArena.open(claim, SIZE).close();
    }

    @Test
    void aFullArenaSaysHowFull() throws Exception {
        try (DumpArena arena = open()) {
            ArenaFullException full = assertThrows(ArenaFullException.class, () -> arena.allocateBlock(SIZE));
            assertTrue(full.getMessage().contains("raise arena.size"), full.getMessage());
        }
    }
}
