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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.format.ThreadsSnapshot.Monitor;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsSnapshot.ThreadEntry;
import org.kmemdump.format.ThreadsSnapshot.Trigger;

class ThreadsSnapshotTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private MemorySegment zone(long size) {
        return arena.allocate(size, 8).fill((byte) 0xAA);
    }

    private static ThreadEntry thread(long id, String name, int frames) {
        List<String> stack = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            stack.add("org.example.Worker.step" + i + "(Worker.java:" + (10 + i) + ")");
        }
        return new ThreadEntry(id, name, Thread.State.RUNNABLE, 0, 5, 1000 * id, "", -1, "", stack, 0, List.of(), List.of());
    }

    private static Snapshot snapshot(long time, List<ThreadEntry> threads) {
        return new Snapshot(0, time, 1234, Trigger.PERIODIC, threads, 0);
    }

    @Test
    void headerBufferAndOneThreadByteForByte() {
        MemorySegment zone = zone(ThreadsSnapshot.MIN_ZONE_SIZE);
        ThreadsSnapshot threads = ThreadsSnapshot.create(zone);
        ThreadEntry blocked = new ThreadEntry(7, "t", Thread.State.BLOCKED, ThreadsSnapshot.DAEMON, 5, 100, "L", 9, "u",
                List.of("f"), 2, List.of(new Monitor("M", 0)), List.of("S"));
        assertEquals(1, threads.write(new Snapshot(0, 0x1122334455L, 0x66, Trigger.ON_DEMAND, List.of(blocked), 0)));
        assertArrayEquals(HexFormat.of().parseHex("4b4d445448524453" + "02000000" + "40000000" + "e003000000000000"),
                zone.asSlice(0, 24).toArray(ValueLayout.JAVA_BYTE), "magic, version, header length, buffer capacity 992");
        ByteBuffer expected = ByteBuffer.allocate(32 + 24 + 64).order(ByteOrder.LITTLE_ENDIAN);
        // the buffer: sequence 1, time, payload length; the payload: took, 1 thread, none omitted, trigger 2
        expected.putLong(0, 1).putLong(8, 0x1122334455L).putInt(16, 24 + 64);
        expected.putLong(32, 0x66).putInt(40, 1).putInt(44, 0).putInt(48, 2);
        // the record at 56: 44 fixed bytes, then "t", "L", "u", frame "f", monitor at depth 0 "M", synchronizer "S"
        int r = 56;
        expected.putInt(r, 64).putLong(r + 4, 7).putLong(r + 12, 100).putLong(r + 20, 9).put(r + 28, (byte) 3).put(r + 29, (byte) 1)
                .put(r + 30, (byte) 5).putInt(r + 32, 2).putShort(r + 36, (short) 1).putShort(r + 38, (short) 1)
                .putShort(r + 40, (short) 1);
        expected.position(r + 44);
        for (String text : List.of("t", "L", "u", "f")) {
            expected.putShort((short) 1).put((byte) text.charAt(0));
        }
        expected.putShort((short) 0).putShort((short) 1).put((byte) 'M').putShort((short) 1).put((byte) 'S');
        assertEquals(120, expected.position());
        CRC32C crc = new CRC32C();
        crc.update(expected.array(), 0, 20);
        crc.update(expected.array(), 32, 88);
        expected.putInt(20, (int) crc.getValue());
        // snapshot 1 goes to buffer 1, at 64 + 32 + 992
        assertArrayEquals(expected.array(), zone.asSlice(1088, 120).toArray(ValueLayout.JAVA_BYTE));
        Snapshot read = ThreadsSnapshot.open(zone, "zone").newest();
        assertEquals(new Snapshot(1, 0x1122334455L, 0x66, Trigger.ON_DEMAND, List.of(blocked), 0), read);
    }

    @Test
    void rewritesAlternateBuffersAndTheNewestWins() {
        MemorySegment zone = zone(64 * 1024);
        ThreadsSnapshot threads = ThreadsSnapshot.create(zone);
        assertNull(threads.newest(), "no snapshot yet");
        for (int round = 1; round <= 5; round++) {
            assertEquals(round, threads.write(snapshot(round, List.of(thread(round, "worker-" + round, 3)))));
            Snapshot newest = ThreadsSnapshot.open(zone, "zone").newest();
            assertEquals(round, newest.sequence());
            assertEquals("worker-" + round, newest.threads().get(0).name());
        }
    }

    /**
     * A writer killed in the middle of a rewrite: every prefix of the rewrite's bytes is tried, and
     * the reader always gets a whole snapshot, the previous one or the new one.
     */
    @Test
    void aKillAtAnyByteOfARewriteLeavesAWholeSnapshot() {
        MemorySegment zone = zone(ThreadsSnapshot.MIN_ZONE_SIZE);
        ThreadsSnapshot threads = ThreadsSnapshot.create(zone);
        threads.write(snapshot(1, List.of(thread(1, "old", 2))));
        threads.write(snapshot(2, List.of(thread(2, "older-half", 2))));
        MemorySegment before = arena.allocate(zone.byteSize()).copyFrom(zone);
        threads.write(snapshot(3, List.of(thread(3, "new", 4), thread(4, "new too", 1))));
        MemorySegment after = arena.allocate(zone.byteSize()).copyFrom(zone);
        MemorySegment torn = arena.allocate(zone.byteSize());
        // snapshot 3 went to buffer 1, which held snapshot 1
        long half = SnapshotBuffers.HEADER_LENGTH + SnapshotBuffers.BUFFER_HEADER + SnapshotBuffers.capacityOf(zone.byteSize());
        for (long cut = 0; cut <= SnapshotBuffers.BUFFER_HEADER + SnapshotBuffers.capacityOf(zone.byteSize()); cut++) {
            torn.copyFrom(before);
            torn.set(LittleEndian.U64, half, 0); // the sequence is zeroed first
            MemorySegment.copy(after, half + 8, torn, half + 8, Math.max(0, cut - 8));
            Snapshot read = ThreadsSnapshot.open(torn, "torn").newest();
            assertEquals(2, read.sequence(), "cut at " + cut);
            assertEquals("older-half", read.threads().get(0).name());
        }
        torn.copyFrom(after);
        assertEquals(3, ThreadsSnapshot.open(torn, "whole").newest().sequence());
    }

    @Test
    void whatDoesNotFitIsCountedAsOmitted() {
        MemorySegment zone = zone(ThreadsSnapshot.MIN_ZONE_SIZE);
        ThreadsSnapshot threads = ThreadsSnapshot.create(zone);
        List<ThreadEntry> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(thread(i, "thread-" + i, 2));
        }
        threads.write(new Snapshot(0, 1, 1, Trigger.PERIODIC, many, 3));
        Snapshot read = threads.newest();
        assertTrue(read.threads().size() > 0 && read.threads().size() < 100, read.threads().size() + " threads fit");
        assertEquals(100 + 3 - read.threads().size(), read.threadsOmitted(), "the cut ones and those already omitted");
        assertEquals(many.subList(0, read.threads().size()), read.threads());
    }

    @Test
    void aLongStringIsCutOnACharacterBoundary() {
        MemorySegment zone = zone(64 * 1024);
        ThreadsSnapshot threads = ThreadsSnapshot.create(zone);
        String name = "é".repeat(ThreadsSnapshot.STRING_LIMIT);
        threads.write(snapshot(1, List.of(thread(1, name, 0))));
        assertEquals("é".repeat(ThreadsSnapshot.STRING_LIMIT / 2), threads.newest().threads().get(0).name());
    }

    @Test
    void aHeaderThatDoesNotFitItsZoneIsRefusedByName() {
        MemorySegment zone = zone(ThreadsSnapshot.MIN_ZONE_SIZE);
        ThreadsSnapshot.create(zone);
        zone.set(LittleEndian.U64, SnapshotBuffers.BUFFER_CAPACITY, 1L << 40);
        assertEquals("z: buffer_capacity 1099511627776 does not fit a zone of 2112 bytes",
                assertThrows(IllegalArgumentException.class, () -> ThreadsSnapshot.open(zone, "z")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThreadsSnapshot.create(zone(100)));
    }

    /** Random damage to a written zone: the reader returns a whole snapshot or none, never throws. */
    @Test
    void damagedBuffersAreSkippedNeverMisread() {
        Random random = new Random(9);
        MemorySegment zone = zone(8 * 1024);
        ThreadsSnapshot threads = ThreadsSnapshot.create(zone);
        threads.write(snapshot(1, List.of(thread(1, "a", 5), thread(2, "b", 5))));
        threads.write(snapshot(2, List.of(thread(3, "c", 5))));
        MemorySegment good = arena.allocate(zone.byteSize()).copyFrom(zone);
        for (int round = 0; round < 2000; round++) {
            zone.copyFrom(good);
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                long at = SnapshotBuffers.HEADER_LENGTH + random.nextInt((int) zone.byteSize() - SnapshotBuffers.HEADER_LENGTH);
                zone.set(ValueLayout.JAVA_BYTE, at, (byte) random.nextInt());
            }
            Snapshot read = ThreadsSnapshot.open(zone, "damaged").newest();
            if (read != null) {
                assertTrue(read.sequence() == 1 ? read.threads().size() == 2 : read.threads().get(0).name().equals("c"));
            }
        }
    }
}
