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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The zone directory against bytes laid out by hand from its documented layout. */
class ZoneDirectoryTest {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment bytes = arena.allocate(ZoneDirectory.LENGTH, 8);
    private final ZoneDirectory directory = new ZoneDirectory(bytes);

    @AfterEach
    void close() {
        arena.close();
    }

    private byte[] entry(int id) {
        return bytes.asSlice((long) id * 40, 40).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void anEntryIsNameIdValidAddressSize() {
        directory.set(49, "consumer-0", 0x1122_3344_5566_7788L, 4096);
        assertArrayEquals(HexFormat.of().parseHex("636f6e73756d65722d300000000000" + "00" + "31000000" + "454e4f5a"
                + "8877665544332211" + "0010000000000000"), entry(49));
        assertEquals(List.of(new ZoneDirectory.Entry(49, "consumer-0", 0x1122_3344_5566_7788L, 4096)), directory.validEntries());
        assertArrayEquals(new byte[40], entry(48), "no other entry is touched");
    }

    @Test
    void aSensitiveEntryHasFlagBitZeroAfterItsU16Id() {
        directory.set(50, "keys", 0x1000, 32, ZoneDirectory.SENSITIVE);
        assertArrayEquals(HexFormat.of().parseHex("6b6579730000000000000000000000" + "00" + "3200" + "0100" + "454e4f5a"
                + "0010000000000000" + "2000000000000000"), entry(50));
        ZoneDirectory.Entry listed = directory.validEntries().get(0);
        assertEquals(new ZoneDirectory.Entry(50, "keys", 0x1000, 32, ZoneDirectory.SENSITIVE), listed);
        assertTrue(listed.sensitive());
        // a reader of the layout before flags (u32 id) sees 0x10032, not its index, and skips the entry
        assertEquals(0x1_0032, bytes.get(LittleEndian.U32, 50 * 40 + 16));
        assertThrows(IllegalArgumentException.class, () -> directory.set(51, "odd", 8, 8, 2));
    }

    @Test
    void aNameFieldMadeOnceIsRecordedAsTheNameItself() {
        directory.set(49, ZoneDirectory.nameField("consumer-0"), 0x1122_3344_5566_7788L, 4096, 0);
        byte[] byName = entry(49);
        directory.clear(49);
        directory.set(49, "consumer-0", 0x1122_3344_5566_7788L, 4096);
        assertArrayEquals(byName, entry(49));
    }

    @Test
    void aNameOfSixteenBytesIsRefusedAndChangesNothing() {
        assertThrows(IllegalArgumentException.class, () -> ZoneDirectory.nameField("sixteen-bytes-00"));
        assertThrows(IllegalArgumentException.class, () -> directory.set(49, "sixteen-bytes-00", 8, 8));
        byte[] unterminated = "sixteen-bytes-00".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> directory.set(49, unterminated, 8, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> directory.set(49, new byte[15], 8, 8, 0));
        assertArrayEquals(new byte[40], entry(49));
    }

    @Test
    void clearingOnlyInvalidates() {
        directory.set(2, "VMCOREINFO", 8, 16);
        directory.set(3, "config", 24, 32);
        directory.clear(2);
        assertEquals(List.of(new ZoneDirectory.Entry(3, "config", 24, 32)), directory.validEntries());
        assertArrayEquals(HexFormat.of().parseHex("00000000"), bytes.asSlice(2 * 40 + 20, 4).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void entriesThatDoNotHoldTogetherAreNotValid() {
        directory.set(5, "banner", 8, 16);
        directory.set(6, "bundles", 8, 16);
        directory.set(7, "x", 8, 16);
        bytes.set(LittleEndian.U32, 5 * 40 + 16, 9); // id field disagrees with the slot
        bytes.set(ValueLayout.JAVA_BYTE, 6 * 40 + 2, (byte) 0x07); // a control character in the name
        bytes.set(LittleEndian.U64, 7 * 40 + 32, 0); // size 0
        assertEquals(List.of(), directory.validEntries());
    }

    @Test
    void badArguments() {
        assertThrows(IndexOutOfBoundsException.class, () -> directory.set(0, "zero", 8, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> directory.set(201, "big", 8, 8));
        assertThrows(IllegalArgumentException.class, () -> directory.set(3, "sixteen-chars-xx", 8, 8));
        assertThrows(IllegalArgumentException.class, () -> new ZoneDirectory(bytes.asSlice(0, 100)));
    }
}
