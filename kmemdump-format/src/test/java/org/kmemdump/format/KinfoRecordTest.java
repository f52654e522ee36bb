package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kernel_all_info against offsets taken from the published struct (packed: each field right after
 * the previous one) and a checksum computed here word by word, independently of the writer.
 */
class KinfoRecordTest {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment area = arena.allocate(4096).fill((byte) 0xAA);

    @AfterEach
    void close() {
        arena.close();
    }

    private ByteBuffer bytes() {
        return ByteBuffer.wrap(area.toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void packedOffsetsOfThePublishedLayout() {
        // u8 x4, u32, u16 x4, u64 x13, u32, u64, u8[64], u8[256], u32 x3 = 464
        int info = 4 + 4 + 2 * 4 + 8 * 13 + 4 + 8 + 64 + 256 + 4 * 3;
        assertEquals(464, info);
        assertEquals(info, KinfoRecord.INFO_LENGTH);
        assertEquals(472, KinfoRecord.ALL_INFO_LENGTH);
        assertEquals(8 + 4, KinfoRecord.NUM_SYMS);
        assertEquals(8 + 8 + 2, KinfoRecord.BIT_PER_LONG);
        assertEquals(8 + 16, KinfoRecord.RELATIVE_PA);
        assertEquals(8 + 16 + 13 * 8, KinfoRecord.THREAD_SIZE);
        assertEquals(8 + 16 + 13 * 8 + 4, KinfoRecord.SWAPPER_PG_DIR_PA);
        assertEquals(8 + 16 + 13 * 8 + 4 + 8, KinfoRecord.LAST_UTS_RELEASE);
        assertEquals(8 + 16 + 13 * 8 + 4 + 8 + 64, KinfoRecord.BUILD_INFO);
        assertEquals(8 + 16 + 13 * 8 + 4 + 8 + 64 + 256, KinfoRecord.ENABLED_MODULES_TREE_LOOKUP);
        assertEquals(0xCCEEDDFF, KinfoRecord.MAGIC);
    }

    @Test
    void contentAndChecksum() {
        KinfoRecord record = KinfoRecord.create(area, "build 42", 1 << 20);
        record.lastUtsRelease("kmemdump-0.1.0 java-25");
        record.log(new KinfoRecord.Pointer(0x7f00_0000_1000L, 1 << 20));
        ByteBuffer bytes = bytes();
        assertEquals(0xCCEEDDFF, bytes.getInt(0));
        assertEquals(1, bytes.get(8), "enabled_all");
        assertEquals(64, bytes.getShort(18), "bit_per_long");
        assertEquals(1 << 20, bytes.getInt(128), "thread_size");
        assertEquals(0, bytes.getLong(24), "no kernel text to point at");
        assertEquals('k', bytes.get(140));
        assertEquals('b', bytes.get(204));
        int xor = 0;
        for (int word = 0; word < 116; word++) {
            xor ^= bytes.getInt(8 + 4 * word);
        }
        assertEquals(xor, bytes.getInt(4), "combined_checksum = XOR of the 116 words of info");
        assertEquals(0x4D564A4B, bytes.getInt(472), "KJVM");
        assertEquals(0x7f00_0000_1000L, bytes.getLong(488));
        assertEquals(0, bytes.getInt(600), "the whole area is zeroed at creation, as at the kernel's probe");
    }

    @Test
    void readBackAndTornRecords() {
        KinfoRecord record = KinfoRecord.create(area, "b", 8192);
        record.lastUtsRelease("rel");
        record.elf(new KinfoRecord.Pointer(16, 32));
        KinfoRecord.Contents contents = KinfoRecord.read(area, "kinfo");
        assertEquals("rel", contents.lastUtsRelease());
        assertEquals(new KinfoRecord.Pointer(16, 32), contents.elf());
        area.set(ValueLayout.JAVA_BYTE, 300, (byte) 1); // a byte of build_info changed behind the checksum
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KinfoRecord.read(area, "kinfo")).getMessage()
                .contains("combined_checksum"));
        KinfoRecord.create(area, "b", 8192);
        area.set(ValueLayout.JAVA_BYTE, KinfoRecord.EXT_LOG, (byte) 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KinfoRecord.read(area, "kinfo")).getMessage()
                .contains("extension's checksum"));
        area.set(LittleEndian.U32, 0, 0x12345678);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KinfoRecord.read(area, "kinfo")).getMessage()
                .contains("magic_number"));
        assertThrows(IllegalArgumentException.class, () -> KinfoRecord.create(area.asSlice(0, 100), "b", 1));
        assertThrows(IllegalArgumentException.class, () -> KinfoRecord.read(area.asSlice(0, 100), "kinfo"));
    }
}
