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
 * A zone holding the newest of a series of snapshots, rewritten in place, which an outside reader
 * can read whole at any instant, including right after the writer was killed in the middle of a
 * rewrite: two buffers, written in turn, each with a sequence word and a checksum. The runtime's
 * snapshot zones use it: the threads zone ({@link ThreadsSnapshot} records) and the components
 * zone ({@link ComponentsText}); the magic says which {@link Content} a zone holds.
 *
 * <pre>
 * header (64 bytes)
 *    0  8 magic          little-endian u64: {@link Content#THREADS} "KMDTHRDS", {@link Content#COMPONENTS} "KMDSNAPT"
 *    8  4 version        {@link #VERSION}; written last, 0 = not ready
 *   12  4 header_length  {@link #HEADER_LENGTH}
 *   16  8 buffer_capacity  bytes of payload each buffer holds, a multiple of 8
 *   24 40 reserved
 * buffer 0 at 64, buffer 1 at 64 + 32 + buffer_capacity, each:
 *    0  8 sequence       1, 2, 3, ...: which snapshot the buffer holds; 0 while it is written (stored with release, last)
 *    8  8 time           ms since the epoch: when the snapshot was taken
 *   16  4 payload_length bytes of payload, at most buffer_capacity
 *   20  4 checksum       CRC32C of bytes 0 .. 20, then of the payload
 *   24  8 reserved
 *   32    payload        the content's bytes
 * </pre>
 *
 * <p>Why a reader never shows a torn snapshot: snapshot n goes to buffer n % 2, the one not holding
 * the newest; its sequence is zeroed first and stored last, and the checksum covers sequence, time,
 * length and payload. A kill mid-rewrite leaves that buffer failing its check, and the other
 * buffer, the previous snapshot, whole. The reader takes the valid buffer with the higher sequence.
 */
public final class SnapshotBuffers {
    /** 2: the threads zone moved into these buffers (version 1 had a layout of its own). */
    public static final int VERSION = 2;
    public static final StructLayout HEADER = MemoryLayout.structLayout(
            HeaderPrologue.LAYOUT.withName("prologue"),
            U64_ALIGNED.withName("buffer_capacity"),
            MemoryLayout.paddingLayout(40));
    public static final StructLayout BUFFER = MemoryLayout.structLayout(
            U64_ALIGNED.withName("sequence"),
            U64_ALIGNED.withName("time"),
            U32_ALIGNED.withName("payload_length"),
            U32_ALIGNED.withName("checksum"),
            MemoryLayout.paddingLayout(8));
    public static final int HEADER_LENGTH = (int) HEADER.byteSize();
    /** A buffer's fixed part; its payload follows. */
    public static final int BUFFER_HEADER = (int) BUFFER.byteSize();
    public static final long BUFFER_CAPACITY = HEADER.byteOffset(groupElement("buffer_capacity"));
    public static final long B_SEQUENCE = BUFFER.byteOffset(groupElement("sequence"));
    public static final long B_TIME = BUFFER.byteOffset(groupElement("time"));
    public static final long B_PAYLOAD_LENGTH = BUFFER.byteOffset(groupElement("payload_length"));
    public static final long B_CHECKSUM = BUFFER.byteOffset(groupElement("checksum"));
    /** The smallest zone {@link #create} accepts: the header and two buffers of 8 bytes of payload. */
    public static final int MIN_ZONE_SIZE = HEADER_LENGTH + 2 * (BUFFER_HEADER + 8);

    /** What a zone's snapshots hold, named by its magic. */
    public enum Content {
        THREADS(0x5344524854444D4BL, "threads zone"), // "KMDTHRDS"
        COMPONENTS(0x5450414E53444D4BL, "components zone"); // "KMDSNAPT"

        private final HeaderPrologue prologue;

        Content(long magic, String kind) {
            prologue = new HeaderPrologue(kind, magic, VERSION, HEADER_LENGTH);
        }

        public long magic() {
            return prologue.magic();
        }
    }

    /**
     * A snapshot as read back: its sequence number, when it was taken, and its payload (a copy).
     */
    public record Snapshot(long sequence, long time, byte[] payload) {
        /** @return the payload as UTF-8 text */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final MemorySegment zone;
    private final long capacity;

    private SnapshotBuffers(MemorySegment zone, long capacity) {
        this.zone = zone;
        this.capacity = capacity;
    }

    /** @return the payload capacity of each buffer in a zone of {@code zoneSize} bytes */
    public static long capacityOf(long zoneSize) {
        return ((zoneSize - HEADER_LENGTH) / 2 - BUFFER_HEADER) & ~7L;
    }

    /**
     * Writes the header of a snapshot zone with no snapshot yet, version last.
     *
     * @throws IllegalArgumentException if the zone is smaller than {@link #MIN_ZONE_SIZE}
     */
    public static SnapshotBuffers create(MemorySegment zone, Content content) {
        if (zone.byteSize() < MIN_ZONE_SIZE) {
            throw new IllegalArgumentException("a " + content.prologue.kind() + " of " + zone.byteSize()
                    + " bytes is too small: it needs at least " + MIN_ZONE_SIZE);
        }
        long capacity = capacityOf(zone.byteSize());
        content.prologue.begin(zone);
        // only the buffers' fixed parts: a buffer with sequence 0 holds nothing, whatever its payload
        // bytes, and leaving those alone keeps a zone of fresh pages from becoming resident at once
        SnapshotBuffers created = new SnapshotBuffers(zone, capacity);
        zone.asSlice(created.buffer(0), BUFFER_HEADER).fill((byte) 0);
        zone.asSlice(created.buffer(1), BUFFER_HEADER).fill((byte) 0);
        zone.set(U64, BUFFER_CAPACITY, capacity);
        content.prologue.publish(zone);
        return created;
    }

    /**
     * Opens a snapshot zone written by someone else, after checking its header against the zone's size.
     *
     * @throws IllegalArgumentException naming {@code where} and the field that is wrong
     */
    public static SnapshotBuffers open(MemorySegment zone, Content content, String where) {
        if (zone.byteSize() < HEADER_LENGTH) {
            throw new IllegalArgumentException(where + ": truncated: " + zone.byteSize() + " bytes, a " + content.prologue.kind()
                    + " header has " + HEADER_LENGTH);
        }
        content.prologue.check(zone, where);
        long capacity = zone.get(U64, BUFFER_CAPACITY);
        if (capacity < 8 || capacity % 8 != 0 || capacity > capacityOf(zone.byteSize())) {
            throw new IllegalArgumentException(where + ": buffer_capacity " + Long.toUnsignedString(capacity)
                    + " does not fit a zone of " + zone.byteSize() + " bytes");
        }
        return new SnapshotBuffers(zone, capacity);
    }

    /** @return the bytes of payload one snapshot may hold */
    public long capacity() {
        return capacity;
    }

    private long buffer(int index) {
        return HEADER_LENGTH + index * (BUFFER_HEADER + capacity);
    }

    private long sequence(int index) {
        return (long) U64_ORDERED.getAcquire(zone, buffer(index) + B_SEQUENCE);
    }

    /**
     * Writes the next snapshot (sequence one above the newest in the zone) into the buffer not
     * holding the newest. Not thread-safe: one writer at a time.
     *
     * @param payload its first {@code length} bytes are the snapshot
     * @return the sequence written
     * @throws IllegalArgumentException if {@code length} is larger than {@link #capacity()}
     */
    public long write(long time, byte[] payload, int length) {
        if (length > capacity) {
            throw new IllegalArgumentException("a snapshot of " + length + " bytes does not fit a buffer of " + capacity);
        }
        long sequence = Math.max(sequence(0), sequence(1)) + 1;
        long buffer = buffer((int) (sequence % 2));
        U64_ORDERED.setRelease(zone, buffer + B_SEQUENCE, 0L);
        byte[] head = new byte[BUFFER_HEADER];
        MemorySegment fields = MemorySegment.ofArray(head);
        fields.set(U64, B_SEQUENCE, sequence);
        fields.set(U64, B_TIME, time);
        fields.set(U32, B_PAYLOAD_LENGTH, length);
        fields.set(U32, B_CHECKSUM, checksum(head, payload, length));
        MemorySegment.copy(payload, 0, zone, U8, buffer + BUFFER_HEADER, length);
        MemorySegment.copy(fields, B_TIME, zone, buffer + B_TIME, BUFFER_HEADER - B_TIME);
        U64_ORDERED.setRelease(zone, buffer + B_SEQUENCE, sequence);
        return sequence;
    }

    /** Writes a text payload as UTF-8; see {@link #write(long, byte[], int)}. */
    public long write(long time, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return write(time, bytes, bytes.length);
    }

    private static int checksum(byte[] head, byte[] payload, int length) {
        CRC32C crc = new CRC32C();
        crc.update(head, 0, (int) B_CHECKSUM);
        crc.update(payload, 0, length);
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
        int length = fields.get(U32, B_PAYLOAD_LENGTH);
        if (fields.get(U64, B_SEQUENCE) != sequence || length < 0 || length > capacity) {
            return null;
        }
        byte[] payload = zone.asSlice(buffer + BUFFER_HEADER, length).toArray(U8);
        if (checksum(head, payload, length) != fields.get(U32, B_CHECKSUM)) {
            return null;
        }
        return new Snapshot(sequence, fields.get(U64, B_TIME), payload);
    }
}
