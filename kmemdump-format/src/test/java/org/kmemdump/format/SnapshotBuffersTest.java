package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.format.SnapshotBuffers.Content.COMPONENTS;
import static org.kmemdump.format.SnapshotBuffers.Content.THREADS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotBuffersTest {
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
        MemorySegment zone = zone(SnapshotBuffers.MIN_ZONE_SIZE);
        SnapshotBuffers snapshot = SnapshotBuffers.create(zone, COMPONENTS);
        assertEquals(8, snapshot.capacity());
        assertEquals(1, snapshot.write(0x0102030405060708L, "abc"));

        ByteBuffer expected = ByteBuffer.allocate(SnapshotBuffers.MIN_ZONE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        expected.put("KMDSNAPT".getBytes(StandardCharsets.US_ASCII)).putInt(2).putInt(64).putLong(8);
        // buffer 0 (never written) at 64: its fixed part zero, its payload untouched; snapshot 1 goes to
        // buffer 1 at 64 + 32 + 8, and leaves the payload bytes after its own untouched too
        expected.position(64 + 32);
        expected.put(new byte[] {(byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA});
        expected.position(SnapshotBuffers.MIN_ZONE_SIZE - 5).put(new byte[] {(byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA});
        ByteBuffer fields = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(0x0102030405060708L).putInt(3);
        CRC32C crc = new CRC32C();
        crc.update(fields.array());
        crc.update("abc".getBytes(StandardCharsets.UTF_8));
        expected.position(104).put(fields.array()).putInt((int) crc.getValue()).putLong(0).put("abc".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected.array(), zone.toArray(ValueLayout.JAVA_BYTE));
        assertSnapshot(1, 0x0102030405060708L, "abc", SnapshotBuffers.open(zone, COMPONENTS, "test").newest());
        assertEquals(0x5344524854444D4BL, THREADS.magic(), "the threads zone's magic: \"KMDTHRDS\"");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SnapshotBuffers.open(zone, THREADS, "z")).getMessage()
                .endsWith("not a kmemdump threads zone"), "the magic says which content a zone holds");
    }

    private static void assertSnapshot(long sequence, long time, String text, SnapshotBuffers.Snapshot read) {
        assertEquals(List.of(sequence, time, text), List.of(read.sequence(), read.time(), read.text()));
    }

    private static boolean is(long sequence, long time, String text, SnapshotBuffers.Snapshot read) {
        return read.sequence() == sequence && read.time() == time && read.text().equals(text);
    }

    @Test
    void theNewestOfTwoBuffersWins() {
        SnapshotBuffers snapshot = SnapshotBuffers.create(zone(4096), COMPONENTS);
        assertNull(snapshot.newest(), "nothing written yet");
        for (int sequence = 1; sequence <= 5; sequence++) {
            assertEquals(sequence, snapshot.write(sequence * 10L, "snapshot " + sequence));
            assertSnapshot(sequence, sequence * 10L, "snapshot " + sequence, snapshot.newest());
        }
    }

    @Test
    void aRewriteKilledAtAnyByteLeavesThePreviousSnapshotWhole() {
        MemorySegment zone = zone(1024);
        SnapshotBuffers snapshot = SnapshotBuffers.create(zone, COMPONENTS);
        snapshot.write(1, "first, whole");
        MemorySegment before = arena.allocate(zone.byteSize(), 8).copyFrom(zone);
        MemorySegment after = arena.allocate(zone.byteSize(), 8).copyFrom(zone);
        SnapshotBuffers.open(after, COMPONENTS, "after").write(2, "second, longer than the first one");
        // a kill leaves any mix of old and new bytes in buffer 0 (sequence zeroed first)
        long buffer = SnapshotBuffers.HEADER_LENGTH;
        for (long cut = buffer + 8; cut < buffer + SnapshotBuffers.BUFFER_HEADER + 40; cut++) {
            MemorySegment torn = arena.allocate(zone.byteSize(), 8).copyFrom(before);
            MemorySegment.copy(after, buffer + 8, torn, buffer + 8, cut - buffer - 8);
            torn.set(LittleEndian.U64, buffer, 2); // even a sequence already stored does not make a torn text whole
            SnapshotBuffers.Snapshot read = SnapshotBuffers.open(torn, COMPONENTS, "torn").newest();
            assertTrue(is(1, 1, "first, whole", read) || is(2, 2, "second, longer than the first one", read),
                    "cut at " + cut + ": " + read.text());
        }
    }

    @Test
    void aTextLargerThanABufferIsRefused() {
        SnapshotBuffers snapshot = SnapshotBuffers.create(zone(SnapshotBuffers.MIN_ZONE_SIZE), COMPONENTS);
        assertThrows(IllegalArgumentException.class, () -> snapshot.write(0, "123456789"));
        assertNull(snapshot.newest());
    }

    @Test
    void corruptHeadersAndLengthsAreNamedNotFollowed() {
        MemorySegment zone = zone(256);
        SnapshotBuffers.create(zone, COMPONENTS).write(1, "x");
        MemorySegment badCapacity = arena.allocate(256, 8).copyFrom(zone);
        badCapacity.set(LittleEndian.U64, SnapshotBuffers.BUFFER_CAPACITY, Long.MAX_VALUE - 7);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SnapshotBuffers.open(badCapacity, COMPONENTS, "z")).getMessage()
                .startsWith("z: buffer_capacity"));
        MemorySegment badLength = arena.allocate(256, 8).copyFrom(zone);
        badLength.set(LittleEndian.U32, SnapshotBuffers.HEADER_LENGTH + SnapshotBuffers.BUFFER_HEADER + SnapshotBuffers.capacityOf(256)
                + SnapshotBuffers.B_PAYLOAD_LENGTH, Integer.MAX_VALUE);
        assertNull(SnapshotBuffers.open(badLength, COMPONENTS, "z").newest(), "a length beyond the buffer is no snapshot");
        assertThrows(IllegalArgumentException.class, () -> SnapshotBuffers.open(zone.asSlice(0, 10), COMPONENTS, "z"));
        MemorySegment magic = arena.allocate(256, 8).copyFrom(zone);
        magic.set(LittleEndian.U64, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> SnapshotBuffers.open(magic, COMPONENTS, "z"));
    }
}
