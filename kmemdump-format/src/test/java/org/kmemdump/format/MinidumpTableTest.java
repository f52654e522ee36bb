package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The minidump table against byte vectors written out by hand from the published struct layouts
 * (kernel qcom_minidump.h / remoteproc qcom_common.c): little-endian, natural alignment.
 */
class MinidumpTableTest {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment file = arena.allocate(SmemFile.LENGTH, 8).fill((byte) 0xAA);

    @AfterEach
    void close() {
        arena.close();
    }

    private static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    private byte[] bytes(long offset, long length) {
        return file.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void structSizesAndMagicValuesAreThePublishedOnes() {
        assertEquals(40, MinidumpTable.REGION_SIZE);
        assertEquals(32, MinidumpTable.SUBSYSTEM_SIZE);
        assertEquals(336, MinidumpTable.TOC_SIZE);
        assertEquals(201 * 40, MinidumpTable.REGION_ARRAY_SIZE);
        assertEquals(0x56414C49, MinidumpTable.REGION_VALID);
        assertEquals(0x444F4E45, MinidumpTable.SS_ENCR_DONE);
        assertEquals(0x454E424C, MinidumpTable.SS_ENABLED);
        assertEquals(0x00004E52, MinidumpTable.SS_ENCR_NOTREQ);
        assertEquals(602, MinidumpTable.SMEM_ITEM);
    }

    @Test
    void smemHeaderAndTableOfContents() {
        SmemFile.create(file);
        long base = file.address();
        byte[] address = new byte[8];
        for (int i = 0; i < 8; i++) {
            address[i] = (byte) (base >>> (8 * i));
        }
        assertArrayEquals(hex("4b 4d 44 53 4d 45 4d 00  01 00 00 00  40 00 00 00"), bytes(0, 16), "magic, version, header length");
        assertArrayEquals(address, bytes(16, 8), "base address");
        assertArrayEquals(hex("5a 02 00 00 00 00 00 00  40 00 00 00 00 00 00 00  b8 20 00 00 00 00 00 00"), bytes(24, 24),
                "item 602 at 64, 336 + 8040 bytes long");
        // global_toc: status 1, revision 1, enabled 'EBNL' little-endian, 4 bytes padding, then zeroed subsystems
        assertArrayEquals(hex("01 00 00 00  01 00 00 00  4c 42 4e 45  00 00 00 00"), bytes(64, 16));
        assertArrayEquals(new byte[320], bytes(80, 320), "subsystems start empty");
    }

    @Test
    void applicationSubsystemEntry() {
        MinidumpTable table = SmemFile.create(file);
        table.enableApss(0x0000_7f00_1234_5678L);
        // subsystem[0] at toc offset 16: status 1, enabled 'ENBL', encryption_status 'DONE', encryption_required 'NR',
        // region_count 0, 4 bytes padding, regions_baseptr
        assertArrayEquals(hex("01 00 00 00  4c 42 4e 45  45 4e 4f 44  52 4e 00 00  00 00 00 00  00 00 00 00  78 56 34 12 00 7f 00 00"),
                bytes(64 + 16, 32));
        assertArrayEquals(new byte[(int) MinidumpTable.REGION_ARRAY_SIZE], bytes(SmemFile.REGIONS_OFFSET, MinidumpTable.REGION_ARRAY_SIZE),
                "the region array is zeroed");
    }

    @Test
    void regionDescriptors() {
        MinidumpTable table = SmemFile.create(file);
        table.enableApss(SmemFile.regionsAddress(file));
        table.append("ELF", 1, 0x1122_3344_5566_7788L, 100);
        table.append("bundles", 6, 0x10L, 65536);
        assertArrayEquals(hex("45 4c 46 00 00 00 00 00 00 00 00 00 00 00 00 00  01 00 00 00  49 4c 41 56"
                + "  88 77 66 55 44 33 22 11  64 00 00 00 00 00 00 00"), bytes(SmemFile.REGIONS_OFFSET, 40));
        assertArrayEquals(hex("62 75 6e 64 6c 65 73 00 00 00 00 00 00 00 00 00  06 00 00 00  49 4c 41 56"
                + "  10 00 00 00 00 00 00 00  00 00 01 00 00 00 00 00"), bytes(SmemFile.REGIONS_OFFSET + 40, 40));
        assertArrayEquals(hex("02 00 00 00"), bytes(64 + 16 + 16, 4), "region_count");
    }

    @Test
    void removeCompactsAndZeroesTheLastEntry() {
        MinidumpTable table = SmemFile.create(file);
        table.enableApss(SmemFile.regionsAddress(file));
        for (int id = 1; id <= 4; id++) {
            table.append("z" + id, id, 0x1000L * id, 4 * id);
        }
        table.remove(table.find(2));
        assertEquals(List.of(1, 3, 4), table.validRegions().stream().map(MinidumpTable.Region::seqNum).toList());
        assertEquals(0x3000L, table.region(1).address());
        assertArrayEquals(new byte[40], bytes(SmemFile.REGIONS_OFFSET + 3 * 40, 40), "the old last entry is zeroed");
        assertEquals(3, table.regionCount());
        assertEquals(-1, table.find(2));
    }

    /** Removing several regions in one pass leaves the very bytes that removing each in turn leaves. */
    @Test
    void removeAllLeavesWhatRemovingEachLeaves() {
        MinidumpTable table = SmemFile.create(file);
        table.enableApss(SmemFile.regionsAddress(file));
        MemorySegment other = arena.allocate(SmemFile.LENGTH, 8);
        MinidumpTable each = SmemFile.create(other);
        each.enableApss(SmemFile.regionsAddress(other));
        for (int id = 1; id <= 12; id++) {
            table.append("z" + id, id, 0x1000L * id, 4 * id);
            each.append("z" + id, id, 0x1000L * id, 4 * id);
        }
        Set<Integer> removed = Set.of(1, 4, 5, 11, 12);
        table.removeAll(removed::contains);
        removed.forEach(seqNum -> each.remove(each.find(seqNum)));
        assertEquals(List.of(2, 3, 6, 7, 8, 9, 10), table.validRegions().stream().map(MinidumpTable.Region::seqNum).toList());
        assertEquals(7, table.regionCount());
        assertArrayEquals(other.asSlice(SmemFile.REGIONS_OFFSET, MinidumpTable.REGION_ARRAY_SIZE).toArray(ValueLayout.JAVA_BYTE),
                bytes(SmemFile.REGIONS_OFFSET, MinidumpTable.REGION_ARRAY_SIZE));
        table.removeAll(seqNum -> true);
        assertEquals(0, table.regionCount());
        assertArrayEquals(new byte[(int) MinidumpTable.REGION_ARRAY_SIZE], bytes(SmemFile.REGIONS_OFFSET, MinidumpTable.REGION_ARRAY_SIZE));
    }

    @Test
    void tableFullAndBadNames() {
        MinidumpTable table = SmemFile.create(file);
        table.enableApss(SmemFile.regionsAddress(file));
        for (int id = 0; id < MinidumpTable.MAX_REGIONS; id++) {
            table.append("r", id, 8, 8);
        }
        assertThrows(IllegalStateException.class, () -> table.append("r", 999, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> new MinidumpTable(file.asSlice(0, 100), file));
    }

    @Test
    void regionCountOfTwoToTheThirtyFirstOrMoreIsClampedTo201NotZero() {
        MinidumpTable table = SmemFile.create(file);
        table.enableApss(SmemFile.regionsAddress(file));
        for (int id = 1; id <= MinidumpTable.MAX_REGIONS; id++) {
            table.append("r" + id, id, 0x1000L * id, 8);
        }
        long regionCount = SmemFile.TOC_OFFSET + MinidumpTable.TOC_SUBSYSTEMS + MinidumpTable.SS_REGION_COUNT;
        for (int stored : new int[] {0x8000_0000, 0xFFFF_FFFF, 202}) {
            file.set(LittleEndian.U32, regionCount, stored);
            String what = "region_count " + Integer.toUnsignedString(stored);

            assertEquals(MinidumpTable.MAX_REGIONS, table.validRegions().size(), what);
            assertEquals(MinidumpTable.MAX_REGIONS - 1, table.find(MinidumpTable.MAX_REGIONS), what);
            String described = table.describe();
            assertTrue(described.contains(" regions=" + Integer.toUnsignedString(stored) + " "), what + ":\n" + described);
            assertEquals(2 + MinidumpTable.MAX_REGIONS, described.lines().count(), what);
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> table.append("more", 999, 8, 8), what);
            assertTrue(full.getMessage().contains("region_count is " + Integer.toUnsignedString(stored)), full.getMessage());
        }
    }

    /** char name[16]: the bytes in order, NUL-padded; 15 at most, so a NUL always ends it. */
    @Test
    void regionNamesByteForByte() {
        MinidumpTable table = SmemFile.create(file);
        table.enableApss(SmemFile.regionsAddress(file));
        table.append("fifteen-chars-x", 1, 8, 8);
        table.append("eight-ch", 2, 8, 8);
        table.append("\u00fcn\u00ef", 3, 8, 8);
        assertArrayEquals(hex("66 69 66 74 65 65 6e 2d 63 68 61 72 73 2d 78 00"), bytes(SmemFile.REGIONS_OFFSET, 16));
        assertArrayEquals(hex("65 69 67 68 74 2d 63 68 00 00 00 00 00 00 00 00"), bytes(SmemFile.REGIONS_OFFSET + 40, 16));
        assertArrayEquals(hex("3f 6e 3f 00 00 00 00 00 00 00 00 00 00 00 00 00"), bytes(SmemFile.REGIONS_OFFSET + 80, 16),
                "a character outside US-ASCII is '?', as the charset encodes it");
        assertArrayEquals(hex("3f 6e 3f"), "\u00fcn\u00ef".getBytes(StandardCharsets.US_ASCII));

        byte[] before = bytes(0, SmemFile.LENGTH);
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> table.append("sixteen-chars-xx", 4, 8, 8));
        assertTrue(tooLong.getMessage().contains("'sixteen-chars-xx'"), tooLong.getMessage());
        assertArrayEquals(before, bytes(0, SmemFile.LENGTH), "a refused name changes nothing");
        for (Executable nullName : List.<Executable>of(() -> table.append((String) null, 4, 8, 8),
                () -> table.append((MinidumpTable.RegionName) null, 4, 8, 8))) {
            assertEquals("region name is null", assertThrows(IllegalArgumentException.class, nullName).getMessage());
        }
        assertArrayEquals(before, bytes(0, SmemFile.LENGTH), "a null name changes nothing");
    }

    @Test
    void readersNameTheBadField() {
        SmemFile.create(file);
        file.set(LittleEndian.U32, SmemFile.VERSION_FIELD, 7);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SmemFile.check(file, "smem")).getMessage().contains("version 7"));
        file.set(LittleEndian.U64, SmemFile.MAGIC_FIELD, 42);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SmemFile.check(file, "smem")).getMessage().contains("magic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SmemFile.check(file.asSlice(0, 100), "smem"))
                .getMessage().contains("truncated"));
    }
}
