package org.kmemdump.backend.minidump.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;

/**
 * The backend's table handling against real files: what it writes is read back through a fresh
 * read-only mapping, as a collector would read it.
 */
class MinidumpRegionsTest {
    @TempDir
    Path directory;

    private final Arena memory = Arena.ofShared();
    private final List<MinidumpRegions> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(MinidumpRegions::close);
        memory.close();
    }

    private Path smem() {
        return directory.resolve(SmemFile.FILE_NAME);
    }

    private MinidumpRegions open() throws IOException {
        MinidumpRegions regions = MinidumpRegions.open(smem());
        opened.add(regions);
        return regions;
    }

    private Region region(int id, String name, long size) {
        return new Region(id, name, memory.allocate(size));
    }

    /** Reads the file through a mapping of its own, checked as a collector checks it. */
    private <T> T inFile(Function<MinidumpTable, T> reader) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(smem(), StandardOpenOption.READ)) {
            MemorySegment file = channel.map(MapMode.READ_ONLY, 0, channel.size(), arena);
            SmemFile.check(file, smem().toString());
            return reader.apply(SmemFile.table(file));
        }
    }

    private List<MinidumpTable.Region> regionsInFile() throws IOException {
        return inFile(MinidumpTable::validRegions);
    }

    private void assertRefused(MinidumpRegions regions, Region region, String reason) throws IOException {
        byte[] before = Files.readAllBytes(smem());
        RegionRefusedException refused = assertThrows(RegionRefusedException.class, () -> regions.register(region));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(smem()), "a refusal leaves the file as it was");
    }

    @Test
    void aNewFileIsOwnerOnlyWithTheApplicationSubsystemEnabledAndEmpty() throws IOException {
        open();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(smem())));
        assertEquals(SmemFile.LENGTH, Files.size(smem()));
        assertTrue(inFile(MinidumpTable::tocInitialized));
        assertEquals(MinidumpTable.SS_STATUS_READY, (int) inFile(MinidumpTable::apssStatus));
        assertEquals(MinidumpTable.SS_ENABLED, (int) inFile(MinidumpTable::apssEnabled));
        assertEquals(MinidumpTable.SS_ENCR_DONE, (int) inFile(MinidumpTable::apssEncryptionStatus));
        assertEquals(0, (int) inFile(MinidumpTable::regionCount));
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(smem(), StandardOpenOption.READ)) {
            MemorySegment file = channel.map(MapMode.READ_ONLY, 0, channel.size(), arena);
            assertEquals(SmemFile.regionsAddress(file), SmemFile.table(file).apssRegionsBaseptr(),
                    "regions_baseptr is the region array's address in the writer's mapping");
        }
    }

    @Test
    void aRegisteredRegionIsInTheFileWithItsSizeRoundedUpTo4() throws IOException, RegionRefusedException {
        MinidumpRegions regions = open();
        Region zone = region(47, "test-zone", 10);
        regions.register(zone);
        List<MinidumpTable.Region> found = regionsInFile();
        assertEquals(1, found.size());
        assertEquals("test-zone", found.get(0).name());
        assertEquals(47, found.get(0).seqNum());
        assertEquals(zone.address(), found.get(0).address());
        assertEquals(12, found.get(0).size());
        assertEquals(1, (int) inFile(MinidumpTable::regionCount));
    }

    /** Names are made once per id and reused: an id registered again under another name must get that name. */
    @Test
    void anIdRegisteredAgainUnderAnotherNameHasTheNewName() throws IOException, RegionRefusedException {
        MinidumpRegions regions = open();
        Region first = region(47, "first-name", 8);
        regions.register(first);
        regions.unregister(first);
        regions.register(region(47, "second", 8));
        regions.register(region(MinidumpTable.MAX_REGIONS + 3, "beyond", 8));
        assertEquals(List.of("second", "beyond"), regionsInFile().stream().map(MinidumpTable.Region::name).toList());
    }

    @Test
    void unregisteringCompactsTheTable() throws IOException, RegionRefusedException {
        MinidumpRegions regions = open();
        Region one = region(1, "one", 8);
        Region two = region(2, "two", 8);
        Region three = region(3, "three", 8);
        for (Region zone : List.of(one, two, three)) {
            regions.register(zone);
        }
        regions.unregister(two);
        List<MinidumpTable.Region> found = regionsInFile();
        assertEquals(List.of(1, 3), found.stream().map(MinidumpTable.Region::seqNum).toList());
        assertEquals(List.of(0, 1), found.stream().map(MinidumpTable.Region::index).toList(), "no hole is left");
        assertEquals(three.address(), found.get(1).address());
        assertEquals(2, (int) inFile(MinidumpTable::regionCount));
    }

    /** Unregistering many at once leaves the table as unregistering each does; missing ones are ignored, the ids are free again. */
    @Test
    void unregisteringAllAtOnceIsUnregisteringEach() throws IOException, RegionRefusedException {
        MinidumpRegions regions = open();
        List<Region> zones = new ArrayList<>();
        for (int id = 1; id <= 6; id++) {
            zones.add(region(id, "z" + id, 8));
            regions.register(zones.get(id - 1));
        }
        regions.unregisterAll(List.of(zones.get(0), zones.get(3), region(9, "missing", 8), zones.get(5)));
        assertEquals(List.of(2, 3, 5), regionsInFile().stream().map(MinidumpTable.Region::seqNum).toList());
        assertEquals(List.of(0, 1, 2), regionsInFile().stream().map(MinidumpTable.Region::index).toList(), "no hole is left");
        regions.register(zones.get(0));
        assertRefused(regions, zones.get(1), "-EEXIST");
        regions.unregisterAll(List.of(zones.get(0), zones.get(1), zones.get(2), zones.get(4)));
        assertEquals(0, (int) inFile(MinidumpTable::regionCount));
    }

    /**
     * A seq_num no zone id has (negative, or 201 and up) follows the same rules: a duplicate is
     * refused, and it is removed alone or among others in the kernel's order.
     */
    @Test
    void seqNumsBeyondTheZoneIdsFollowTheSameRules() throws IOException, RegionRefusedException {
        MinidumpRegions regions = open();
        List<Region> zones = List.of(region(3, "three", 8), region(-5, "minus-five", 8), region(MinidumpTable.MAX_REGIONS, "beyond", 8),
                region(Integer.MAX_VALUE, "max", 8), region(7, "seven", 8));
        for (Region zone : zones) {
            regions.register(zone);
        }
        assertRefused(regions, region(-5, "again", 8), "-EEXIST");
        assertRefused(regions, region(MinidumpTable.MAX_REGIONS, "again", 8), "-EEXIST");
        regions.unregister(zones.get(3));
        assertEquals(List.of(3, -5, MinidumpTable.MAX_REGIONS, 7), regionsInFile().stream().map(MinidumpTable.Region::seqNum).toList());
        regions.unregisterAll(List.of(zones.get(0), zones.get(2), region(-6, "missing", 8)));
        assertEquals(List.of(-5, 7), regionsInFile().stream().map(MinidumpTable.Region::seqNum).toList());
        assertEquals(List.of(0, 1), regionsInFile().stream().map(MinidumpTable.Region::index).toList(), "no hole is left");
        regions.register(zones.get(2));
        regions.unregisterAll(zones);
        assertEquals(0, (int) inFile(MinidumpTable::regionCount));
    }

    @Test
    void unregisteringAnIdThatIsNotThereChangesNothing() throws IOException, RegionRefusedException {
        MinidumpRegions regions = open();
        regions.register(region(1, "one", 8));
        byte[] before = Files.readAllBytes(smem());
        regions.unregister(region(2, "two", 8));
        assertArrayEquals(before, Files.readAllBytes(smem()));
    }

    @Test
    void refusalsLeaveTheTableUnchanged() throws IOException, RegionRefusedException {
        MinidumpRegions regions = open();
        regions.register(region(5, "five", 8));
        assertRefused(regions, new Region(6, "null", MemorySegment.NULL.reinterpret(8)), "-EINVAL");
        assertRefused(regions, new Region(6, "empty", memory.allocate(0)), "-EINVAL");
        assertRefused(regions, region(5, "again", 8), "already registered");
        assertRefused(regions, region(6, "sixteen-chars-xx", 8), "does not fit");
        for (int id = 6; id < 6 + MinidumpTable.MAX_REGIONS - 1; id++) {
            regions.register(region(id, "r" + id, 4));
        }
        assertEquals(MinidumpTable.MAX_REGIONS, regionsInFile().size());
        assertRefused(regions, region(1000, "extra", 4), "-ENOSPC");
    }

    @Test
    void anExistingInitializedFileIsReopenedEmptyAndClosingDisablesIt() throws IOException, RegionRefusedException {
        MinidumpRegions first = open();
        first.register(region(1, "one", 8));
        first.close();
        assertEquals(0, (int) inFile(MinidumpTable::apssStatus), "a closed backend's table is not dumpable");
        assertEquals(0, (int) inFile(MinidumpTable::apssEnabled));
        assertTrue(Files.exists(smem()), "the file stays");

        MinidumpRegions second = open();
        assertEquals(MinidumpTable.SS_STATUS_READY, (int) inFile(MinidumpTable::apssStatus));
        assertEquals(List.of(), regionsInFile(), "reopening starts with no regions");
        second.register(region(2, "two", 8));
        assertEquals(List.of(2), regionsInFile().stream().map(MinidumpTable.Region::seqNum).toList());
    }

    @Test
    void aClosedBackendRefusesAndIgnores() throws IOException, RegionRefusedException {
        MinidumpRegions regions = open();
        Region one = region(1, "one", 8);
        regions.register(one);
        regions.close();
        assertThrows(RegionRefusedException.class, () -> regions.register(region(2, "two", 8)));
        regions.unregister(one);
    }

    @Test
    void aTableOfContentsWithStatus0IsRefused() throws IOException {
        open().close();
        writeAt(SmemFile.TOC_OFFSET + MinidumpTable.TOC_STATUS, 0);
        byte[] before = Files.readAllBytes(smem());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, this::open);
        assertTrue(refused.getMessage().contains(MinidumpRegions.NOT_INITIALIZED), refused.getMessage());
        assertTrue(refused.getMessage().contains(smem().toString()), refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(smem()), "a refused file is left as found");
    }

    @Test
    void aFileWithTheWrongMagicIsRefusedNamingTheFileAndTheField() throws IOException {
        byte[] garbage = new byte[(int) SmemFile.LENGTH];
        Arrays.fill(garbage, (byte) 0x55);
        Files.write(smem(), garbage);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, this::open);
        assertTrue(refused.getMessage().startsWith(smem() + ": magic is 0x5555555555555555"), refused.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(smem()));
    }

    @Test
    void aTruncatedFileIsRefusedAndNotExtended() throws IOException {
        open().close();
        try (FileChannel channel = FileChannel.open(smem(), StandardOpenOption.WRITE)) {
            channel.truncate(100);
        }
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, this::open);
        assertTrue(refused.getMessage().startsWith(smem() + ": truncated: 100 bytes"), refused.getMessage());
        assertEquals(100, Files.size(smem()));
    }

    @Test
    void sizesAreRoundedUpTo4() {
        assertEquals(List.of(4L, 4L, 4L, 4L, 8L, 4096L), List.of(1L, 2L, 3L, 4L, 5L, 4096L).stream().map(MinidumpRegions::roundUpTo4).toList());
    }

    private void writeAt(long offset, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(smem(), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value), offset);
        }
    }
}
