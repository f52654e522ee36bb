package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.format.LogRing.Entry;
import org.kmemdump.format.LogRing.Level;

class LogRingTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private MemorySegment zone(long size) {
        return arena.allocate(size, 8).fill((byte) 0xAA);
    }

    private static List<String> messages(LogRing ring) {
        return ring.walk().entries().stream().map(Entry::message).toList();
    }

    @Test
    void headerAndOneRecordByteForByte() {
        MemorySegment zone = zone(1024);
        LogRing ring = LogRing.create(zone);
        ring.append(0x1122334455L, 7, Level.WARN, "b", "hi", "");
        byte[] header = zone.asSlice(0, 40).toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(HexFormat.of().parseHex("4b4d444c4f475247" + "01000000" + "40000000" + "c003000000000000"
                + "3800000000000000" + "0200000000000000"), header, "magic, version, header length, capacity 960, head 56, next 2");
        // the record: 48-byte header + "b\0hi\0" (5 bytes) padded to 56
        ByteBuffer expected = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        expected.putInt(0, 56).putLong(8, 0).putLong(16, 1).putLong(24, 0x1122334455L).putLong(32, 7)
                .put(40, (byte) 3).put(41, (byte) 1).putInt(44, 5).put(48, "b\0hi\0".getBytes(StandardCharsets.UTF_8));
        CRC32C crc = new CRC32C();
        crc.update(expected.array(), 0, 4);
        crc.update(expected.array(), 8, 48);
        expected.putInt(4, (int) crc.getValue());
        assertArrayEquals(expected.array(), zone.asSlice(64, 56).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(List.of(new Entry(1, 0x1122334455L, 7, Level.WARN, "b", "hi", "")), ring.walk().entries());
    }

    @Test
    void wrapAroundLosesOnlyTheOldest() {
        LogRing ring = LogRing.create(zone(64 + 4096));
        for (int i = 0; i < 1000; i++) {
            ring.append(i, 1, Level.INFO, "bundle", "message " + i, i % 7 == 0 ? "java.lang.IllegalStateException: " + i : "");
        }
        LogRing.Walk walk = ring.walk();
        List<Long> sequences = walk.entries().stream().map(Entry::sequence).toList();
        assertEquals(1000L, sequences.get(sequences.size() - 1));
        for (int i = 1; i < sequences.size(); i++) {
            assertEquals(sequences.get(i - 1) + 1, sequences.get(i), "consecutive");
        }
        assertEquals(1000 - sequences.size(), walk.lost(), "what is missing is counted");
        assertTrue(sequences.size() > 40, sequences.size() + " records fit");
        assertEquals("message 999", walk.entries().get(walk.entries().size() - 1).message());
    }

    /**
     * A writer killed in the middle of an append leaves a partial record beyond head, over the
     * oldest data: every prefix of the append is tried, and the walk never shows anything but whole
     * records, the newest of which are all there.
     */
    @Test
    void aRecordCutShortAtAnyByteIsNeverShown() {
        long size = 64 + 2048;
        MemorySegment before = zone(size);
        LogRing ring = LogRing.create(before);
        for (int i = 0; i < 100; i++) {
            ring.append(i, 1, Level.INFO, "b", "before " + i, "");
        }
        long head = ring.head();
        MemorySegment after = zone(size);
        MemorySegment.copy(before, 0, after, 0, size);
        LogRing.open(after, "after").append(1000, 1, Level.ERROR, "b", "the last words of a dying JVM", "java.lang.OutOfMemoryError");
        int recordLength = (int) (LogRing.open(after, "after").head() - head);
        for (int cut = 0; cut <= recordLength; cut++) {
            MemorySegment torn = zone(size);
            MemorySegment.copy(before, 0, torn, 0, size);
            for (int i = 0; i < cut; i++) { // the new record's first bytes, head not moved: what a kill leaves
                long offset = LogRing.HEADER_LENGTH + (head + i) % 2048;
                torn.set(ValueLayout.JAVA_BYTE, offset, after.get(ValueLayout.JAVA_BYTE, offset));
            }
            List<String> seen = messages(LogRing.open(torn, "torn"));
            assertTrue(seen.stream().allMatch(m -> m.startsWith("before ")), "cut " + cut + ": " + seen);
            assertEquals("before 99", seen.get(seen.size() - 1), "cut " + cut);
        }
        List<String> all = messages(LogRing.open(after, "after"));
        assertEquals("the last words of a dying JVM", all.get(all.size() - 1));
    }

    @Test
    void badHeadersNameTheField() {
        MemorySegment zone = zone(1024);
        LogRing.create(zone);
        zone.set(LittleEndian.U64, LogRing.CAPACITY, 1 << 20);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogRing.open(zone, "log")).getMessage().contains("capacity"));
        zone.set(LittleEndian.U32, LogRing.VERSION_FIELD, 9);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogRing.open(zone, "log")).getMessage().contains("version 9"));
        zone.set(LittleEndian.U64, LogRing.MAGIC_FIELD, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogRing.open(zone, "log")).getMessage().contains("magic"));
        assertThrows(IllegalArgumentException.class, () -> LogRing.create(zone(100)));
    }

    /** Text is cut to a quarter of the ring, which at the minimum is a record header: the records are bare. */
    @Test
    void theSmallestRingKeepsBareRecords() {
        assertThrows(IllegalArgumentException.class, () -> LogRing.create(zone(LogRing.MIN_ZONE_SIZE - 1)));
        LogRing ring = LogRing.create(zone(LogRing.MIN_ZONE_SIZE));
        for (int i = 1; i <= 10; i++) {
            ring.append(i, 1, Level.INFO, "b", "m" + i, "");
        }
        List<Entry> entries = ring.walk().entries();
        assertEquals(new Entry(10, 10, 1, Level.INFO, "", "", ""), entries.get(entries.size() - 1));
    }
    /**
     * The newest records found from head backwards are the tail of the forward walk, with the same
     * count of lost records, whatever the count asked for: across padding, implicit skips at the end
     * of the data area, a torn oldest record and a ring that has not wrapped yet.
     */
    @Test
    void newestIsTheTailOfTheWalk() {
        for (int appended : new int[] {0, 1, 3, 40, 1000, 1001, 1013}) {
            MemorySegment zone = zone(64 + 4096);
            LogRing ring = LogRing.create(zone);
            for (int i = 0; i < appended; i++) { // lengths vary, so the wrap lands on padding and on implicit skips
                ring.append(i, i % 3, Level.INFO, "b" + i % 5, "m".repeat(i % 37), i % 11 == 0 ? "java.lang.Error: " + i : "");
            }
            if (appended > 1000) { // the oldest record in the window, half overwritten: what a kill leaves
                zone.set(ValueLayout.JAVA_BYTE, LogRing.HEADER_LENGTH + ring.head() % 4096 + 16, (byte) 0x55);
            }
            LogRing.Walk walk = ring.walk();
            for (int count : new int[] {1, 2, 10, walk.entries().size() - 1, walk.entries().size(), walk.entries().size() + 5}) {
                if (count < 1) {
                    continue;
                }
                List<Entry> all = walk.entries();
                LogRing.Walk newest = ring.newest(count, LogRing.Present.ALL);
                assertEquals(all.subList(Math.max(0, all.size() - count), all.size()), newest.entries(), appended + " appended, newest " + count);
                assertEquals(walk.lost(), newest.lost(), appended + " appended, newest " + count + ": lost");
            }
        }
    }

    /** Finding the newest records costs what they hold: a ring 64 times larger is looked at no more. */
    @Test
    void newestLooksOnlyAtTheNewestRecords() {
        for (long capacity : new long[] {1 << 16, 1 << 22}) {
            LogRing ring = LogRing.create(arena.allocate(LogRing.HEADER_LENGTH + capacity, 8));
            for (int i = 0; ring.head() < capacity + capacity / 3; i++) { // wrapped: the window is full
                ring.append(i, 1, Level.INFO, "bundle", "message " + i, "");
            }
            int[] looked = {0};
            LogRing.Present counted = new LogRing.Present() {
                @Override
                public long from(long offset) {
                    looked[0]++;
                    return offset;
                }

                @Override
                public long until(long offset) {
                    return Long.MAX_VALUE;
                }
            };
            LogRing.Walk newest = ring.newest(100, counted);
            assertEquals(100, newest.entries().size());
            // 100 records of 72 bytes, looked at every 8 bytes, and the window's oldest record for the lost count
            assertTrue(looked[0] <= 100 * 72 / 8 + 72 / 8, capacity + "-byte ring: " + looked[0] + " places looked at");
            assertEquals(ring.walk().lost(), newest.lost());
        }
    }
}
