package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TextSnapshotTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private MemorySegment zone(long size) {
        return arena.allocate(size, 8).fill((byte) 0xAA);
    }

    @Test
    void headerAndOneSnapshotByteForByte() {
        MemorySegment zone = zone(TextSnapshot.MIN_ZONE_SIZE);
        TextSnapshot snapshot = TextSnapshot.create(zone);
        assertEquals(8, snapshot.capacity());
        snapshot.write(1, 0x0102030405060708L, "abc");

        ByteBuffer expected = ByteBuffer.allocate(TextSnapshot.MIN_ZONE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        expected.put("KMDSNAPT".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(64).putLong(8);
        // buffer 0 (never written) at 64: all zero; snapshot 1 goes to buffer 1 at 64 + 32 + 8
        ByteBuffer fields = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(0x0102030405060708L).putInt(3);
        CRC32C crc = new CRC32C();
        crc.update(fields.array());
        crc.update("abc".getBytes(StandardCharsets.UTF_8));
        expected.position(104).put(fields.array()).putInt((int) crc.getValue()).putLong(0).put("abc".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected.array(), zone.toArray(ValueLayout.JAVA_BYTE));
        assertEquals(new TextSnapshot.Snapshot(1, 0x0102030405060708L, "abc"), TextSnapshot.open(zone, "test").newest());
    }

    @Test
    void theNewestOfTwoBuffersWins() {
        TextSnapshot snapshot = TextSnapshot.create(zone(4096));
        assertNull(snapshot.newest(), "nothing written yet");
        for (int sequence = 1; sequence <= 5; sequence++) {
            snapshot.write(sequence, sequence * 10L, "snapshot " + sequence);
            assertEquals(new TextSnapshot.Snapshot(sequence, sequence * 10L, "snapshot " + sequence), snapshot.newest());
        }
    }

    @Test
    void aRewriteKilledAtAnyByteLeavesThePreviousSnapshotWhole() {
        MemorySegment zone = zone(1024);
        TextSnapshot snapshot = TextSnapshot.create(zone);
        snapshot.write(1, 1, "first, whole");
        MemorySegment before = arena.allocate(zone.byteSize(), 8).copyFrom(zone);
        MemorySegment after = arena.allocate(zone.byteSize(), 8).copyFrom(zone);
        TextSnapshot.open(after, "after").write(2, 2, "second, longer than the first one");
        // a kill leaves any mix of old and new bytes in buffer 0 (sequence zeroed first)
        long buffer = TextSnapshot.HEADER_LENGTH;
        for (long cut = buffer + 8; cut < buffer + TextSnapshot.BUFFER_HEADER + 40; cut++) {
            MemorySegment torn = arena.allocate(zone.byteSize(), 8).copyFrom(before);
            MemorySegment.copy(after, buffer + 8, torn, buffer + 8, cut - buffer - 8);
            torn.set(LittleEndian.U64, buffer, 2); // even a sequence already stored does not make a torn text whole
            TextSnapshot.Snapshot read = TextSnapshot.open(torn, "torn").newest();
            assertTrue(read.equals(new TextSnapshot.Snapshot(1, 1, "first, whole"))
                    || read.equals(new TextSnapshot.Snapshot(2, 2, "second, longer than the first one")), "cut at " + cut + ": " + read);
        }
    }

    @Test
    void aTextLargerThanABufferIsRefused() {
        TextSnapshot snapshot = TextSnapshot.create(zone(TextSnapshot.MIN_ZONE_SIZE));
        assertThrows(IllegalArgumentException.class, () -> snapshot.write(1, 0, "123456789"));
        assertNull(snapshot.newest());
    }

    @Test
    void corruptHeadersAndLengthsAreNamedNotFollowed() {
        MemorySegment zone = zone(256);
        TextSnapshot.create(zone).write(1, 1, "x");
        MemorySegment badCapacity = arena.allocate(256, 8).copyFrom(zone);
        badCapacity.set(LittleEndian.U64, TextSnapshot.BUFFER_CAPACITY, Long.MAX_VALUE - 7);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TextSnapshot.open(badCapacity, "z")).getMessage()
                .startsWith("z: buffer_capacity"));
        MemorySegment badLength = arena.allocate(256, 8).copyFrom(zone);
        badLength.set(LittleEndian.U32, TextSnapshot.HEADER_LENGTH + TextSnapshot.BUFFER_HEADER + TextSnapshot.capacityOf(256)
                + TextSnapshot.B_TEXT_LENGTH, Integer.MAX_VALUE);
        assertNull(TextSnapshot.open(badLength, "z").newest(), "a length beyond the buffer is no snapshot");
        assertThrows(IllegalArgumentException.class, () -> TextSnapshot.open(zone.asSlice(0, 10), "z"));
        MemorySegment magic = arena.allocate(256, 8).copyFrom(zone);
        magic.set(LittleEndian.U64, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> TextSnapshot.open(magic, "z"));
    }
}
