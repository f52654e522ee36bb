package org.kmemdump.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.kmemdump.format.LittleEndian.U32;
import static org.kmemdump.format.LittleEndian.U32_ALIGNED;
import static org.kmemdump.format.LittleEndian.U64;
import static org.kmemdump.format.LittleEndian.U64_ALIGNED;
import static org.kmemdump.format.LittleEndian.U64_ORDERED;
import static org.kmemdump.format.LittleEndian.U8;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A zone holding the newest of a series of texts (a snapshot), rewritten in place, which an outside
 * reader can read at any instant, including right after the writer was killed in the middle of a
 * rewrite: two buffers, written in turn, each with a sequence word and a checksum.
 *
 * <pre>
 * header (64 bytes)
 *    0  8 magic          "KMDSNAPT", little-endian u64 {@link #MAGIC}
 *    8  4 version        {@link #VERSION}; written last, 0 = not ready
 *   12  4 header_length  {@link #HEADER_LENGTH}
 *   16  8 buffer_capacity  bytes of text each buffer holds, a multiple of 8
 *   24 40 reserved
 * buffer 0 at 64, buffer 1 at 64 + 32 + buffer_capacity, each:
 *    0  8 sequence       1, 2, 3, ...: which snapshot the buffer holds; 0 while it is written (stored with release, last)
 *    8  8 time           ms since the epoch: when the snapshot was taken
 *   16  4 text_length    bytes of text, at most buffer_capacity
 *   20  4 checksum       CRC32C of bytes 0 .. 20, then of the text
 *   24  8 reserved
 *   32    text           UTF-8
 * </pre>
 *
 * <p>Why a reader never shows a torn snapshot: snapshot n goes to buffer n % 2, the one not holding
 * the newest; its sequence is zeroed first and stored last, and the checksum covers sequence, time,
 * length and text. A kill mid-rewrite leaves that buffer failing its check, and the other buffer,
 * the previous snapshot, whole. The reader takes the valid buffer with the higher sequence.
 */
public final class TextSnapshot {
    public static final long MAGIC = 0x5450414E53444D4BL; // "KMDSNAPT"
    public static final int VERSION = 1;
    public static final StructLayout HEADER = MemoryLayout.structLayout(
            HeaderPrologue.LAYOUT.withName("prologue"),
            U64_ALIGNED.withName("buffer_capacity"),
            MemoryLayout.paddingLayout(40));
    public static final StructLayout BUFFER = MemoryLayout.structLayout(
            U64_ALIGNED.withName("sequence"),
            U64_ALIGNED.withName("time"),
            U32_ALIGNED.withName("text_length"),
            U32_ALIGNED.withName("checksum"),
            MemoryLayout.paddingLayout(8));
    public static final int HEADER_LENGTH = (int) HEADER.byteSize();
    /** A buffer's fixed part; its text follows. */
    public static final int BUFFER_HEADER = (int) BUFFER.byteSize();
    public static final long BUFFER_CAPACITY = HEADER.byteOffset(groupElement("buffer_capacity"));
    public static final long B_SEQUENCE = BUFFER.byteOffset(groupElement("sequence"));
    public static final long B_TIME = BUFFER.byteOffset(groupElement("time"));
    public static final long B_TEXT_LENGTH = BUFFER.byteOffset(groupElement("text_length"));
    public static final long B_CHECKSUM = BUFFER.byteOffset(groupElement("checksum"));
    /** The smallest zone {@link #create} accepts: the header and two buffers of 8 bytes of text. */
    public static final int MIN_ZONE_SIZE = HEADER_LENGTH + 2 * (BUFFER_HEADER + 8);

    private static final HeaderPrologue PROLOGUE = new HeaderPrologue("text snapshot", MAGIC, VERSION, HEADER_LENGTH);

    /** A snapshot as read back: its sequence number, when it was taken, and its text. */
    public record Snapshot(long sequence, long time, String text) {
    }

    private final MemorySegment zone;
    private final long capacity;

    private TextSnapshot(MemorySegment zone, long capacity) {
        this.zone = zone;
        this.capacity = capacity;
    }

    /** @return the text capacity of each buffer in a zone of {@code zoneSize} bytes */
    public static long capacityOf(long zoneSize) {
        return ((zoneSize - HEADER_LENGTH) / 2 - BUFFER_HEADER) & ~7L;
    }

    /**
     * Writes the header of a snapshot zone with no snapshot yet, version last.
     *
     * @throws IllegalArgumentException if the zone is smaller than {@link #MIN_ZONE_SIZE}
     */
    public static TextSnapshot create(MemorySegment zone) {
        if (zone.byteSize() < MIN_ZONE_SIZE) {
            throw new IllegalArgumentException("a text snapshot zone of " + zone.byteSize() + " bytes is too small: it needs at least "
                    + MIN_ZONE_SIZE);
        }
        long capacity = capacityOf(zone.byteSize());
        PROLOGUE.begin(zone);
        zone.asSlice(HEADER_LENGTH, 2 * (BUFFER_HEADER + capacity)).fill((byte) 0);
        zone.set(U64, BUFFER_CAPACITY, capacity);
        PROLOGUE.publish(zone);
        return new TextSnapshot(zone, capacity);
    }

    /**
     * Opens a snapshot zone written by someone else, after checking its header against the zone's size.
     *
     * @throws IllegalArgumentException naming {@code where} and the field that is wrong
     */
    public static TextSnapshot open(MemorySegment zone, String where) {
        if (zone.byteSize() < HEADER_LENGTH) {
            throw new IllegalArgumentException(where + ": truncated: " + zone.byteSize() + " bytes, a text snapshot header has "
                    + HEADER_LENGTH);
        }
        PROLOGUE.check(zone, where);
        long capacity = zone.get(U64, BUFFER_CAPACITY);
        if (capacity < 8 || capacity % 8 != 0 || capacity > capacityOf(zone.byteSize())) {
            throw new IllegalArgumentException(where + ": buffer_capacity " + Long.toUnsignedString(capacity)
                    + " does not fit a zone of " + zone.byteSize() + " bytes");
        }
        return new TextSnapshot(zone, capacity);
    }

    /** @return the bytes of UTF-8 text one snapshot may hold */
    public long capacity() {
        return capacity;
    }

    private long buffer(int index) {
        return HEADER_LENGTH + index * (BUFFER_HEADER + capacity);
    }

    /**
     * Writes snapshot {@code sequence} into the buffer not holding the newest. Not thread-safe: one
     * writer at a time; sequence numbers must grow by one from 1.
     *
     * @throws IllegalArgumentException if the text's UTF-8 is longer than {@link #capacity()}
     */
    public void write(long sequence, long time, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > capacity) {
            throw new IllegalArgumentException("a snapshot of " + bytes.length + " bytes does not fit a buffer of " + capacity);
        }
        long buffer = buffer((int) (sequence % 2));
        U64_ORDERED.setRelease(zone, buffer + B_SEQUENCE, 0L);
        byte[] head = new byte[BUFFER_HEADER];
        MemorySegment fields = MemorySegment.ofArray(head);
        fields.set(U64, B_SEQUENCE, sequence);
        fields.set(U64, B_TIME, time);
        fields.set(U32, B_TEXT_LENGTH, bytes.length);
        fields.set(U32, B_CHECKSUM, checksum(head, bytes, bytes.length));
        MemorySegment.copy(bytes, 0, zone, U8, buffer + BUFFER_HEADER, bytes.length);
        MemorySegment.copy(fields, B_TIME, zone, buffer + B_TIME, BUFFER_HEADER - B_TIME);
        U64_ORDERED.setRelease(zone, buffer + B_SEQUENCE, sequence);
    }

    private static int checksum(byte[] head, byte[] text, int length) {
        CRC32C crc = new CRC32C();
        crc.update(head, 0, (int) B_CHECKSUM);
        crc.update(text, 0, length);
        return (int) crc.getValue();
    }

    /**
     * @return the newest whole snapshot, or {@code null} when neither buffer holds one (none written
     *         yet, or both torn). Bounded: copies at most one buffer's capacity at a time.
     */
    public Snapshot newest() {
        Snapshot newest = null;
        for (int index = 0; index < 2; index++) {
            Snapshot snapshot = read(buffer(index));
            if (snapshot != null && (newest == null || snapshot.sequence() > newest.sequence())) {
                newest = snapshot;
            }
        }
        return newest;
    }

    private Snapshot read(long buffer) {
        long sequence = (long) U64_ORDERED.getAcquire(zone, buffer + B_SEQUENCE);
        if (sequence == 0) {
            return null;
        }
        byte[] head = zone.asSlice(buffer, BUFFER_HEADER).toArray(U8);
        MemorySegment fields = MemorySegment.ofArray(head);
        int length = fields.get(U32, B_TEXT_LENGTH);
        if (fields.get(U64, B_SEQUENCE) != sequence || length < 0 || length > capacity) {
            return null;
        }
        byte[] text = zone.asSlice(buffer + BUFFER_HEADER, length).toArray(U8);
        if (checksum(head, text, length) != fields.get(U32, B_CHECKSUM)) {
            return null;
        }
        return new Snapshot(sequence, fields.get(U64, B_TIME), new String(text, StandardCharsets.UTF_8));
    }
}
