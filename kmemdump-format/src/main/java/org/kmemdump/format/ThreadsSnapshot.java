package org.kmemdump.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.kmemdump.format.LittleEndian.U16;
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
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The threads zone: the newest snapshot of every live thread, which an outside reader can take
 * whole at any instant, including right after the writer was killed in the middle of a rewrite.
 *
 * <pre>
 * header (64 bytes)
 *    0  8 magic          "KMDTHRDS", little-endian u64 {@link #MAGIC}
 *    8  4 version        {@link #VERSION}; written last, 0 = not ready
 *   12  4 header_length  {@link #HEADER_LENGTH}
 *   16  8 half_length    bytes of each of the two halves that follow, a multiple of 8
 *   24 40 reserved
 * two halves of half_length bytes each, at 64 and 64 + half_length; each holds one snapshot:
 *    0  8 sequence        1, 2, 3, ...: the newer snapshot has the higher one; 0 while being written.
 *                         Stored (release) last
 *    8  4 checksum        CRC32C of bytes 12 .. 48 + body_length, then of the 8 sequence bytes
 *   12  4 body_length     bytes of thread records after this header
 *   16  8 time            ms since the epoch when the threads were taken
 *   24  8 took            ns the snapshot took
 *   32  4 threads         thread records in the body
 *   36  4 threads_omitted live threads left out: no room in the half
 *   40  4 trigger         {@link Trigger} code
 *   44  4 reserved
 *   48    body            thread records, one after the other
 *
 * thread record (little-endian, unaligned)
 *    0  4 length          whole record
 *    4  8 id
 *   12  8 cpu             CPU time in ns, -1 unknown
 *   20  8 lock_owner_id   -1 none
 *   28  1 state           {@link Thread.State} ordinal + 1
 *   29  1 flags           1 daemon, 2 in native code, 4 suspended
 *   30  1 priority
 *   31  1 reserved
 *   32  4 frames_omitted  frames deeper than the depth kept
 *   36  2 frames
 *   38  2 monitors
 *   40  2 synchronizers
 *   42  2 reserved
 *   44    strings, each a u16 byte count and UTF-8: name, lock, lock owner name; each frame;
 *         each monitor as a u16 frame depth (0xffff none) then its string; each synchronizer
 * </pre>
 *
 * <p>Why a reader never shows a torn snapshot: a rewrite goes to the half that does not hold the
 * newest snapshot, after zeroing its sequence, and stores the sequence last. A kill midway leaves
 * that half with sequence 0 or a failing checksum, and the other half whole. A reader copies each
 * half, keeps those whose checksum (which covers the sequence) holds, and takes the newest.
 */
public final class ThreadsSnapshot {
    public static final long MAGIC = 0x5344524854444D4BL; // "KMDTHRDS"
    public static final int VERSION = 1;
    public static final StructLayout HEADER = MemoryLayout.structLayout(
            HeaderPrologue.LAYOUT.withName("prologue"),
            U64_ALIGNED.withName("half_length"),
            MemoryLayout.paddingLayout(40));
    public static final StructLayout HALF = MemoryLayout.structLayout(
            U64_ALIGNED.withName("sequence"),
            U32_ALIGNED.withName("checksum"),
            U32_ALIGNED.withName("body_length"),
            U64_ALIGNED.withName("time"),
            U64_ALIGNED.withName("took"),
            U32_ALIGNED.withName("threads"),
            U32_ALIGNED.withName("threads_omitted"),
            U32_ALIGNED.withName("trigger"),
            MemoryLayout.paddingLayout(4));
    public static final int HEADER_LENGTH = (int) HEADER.byteSize();
    public static final int HALF_HEADER = (int) HALF.byteSize();
    public static final long HALF_LENGTH = HEADER.byteOffset(groupElement("half_length"));
    public static final long H_SEQUENCE = HALF.byteOffset(groupElement("sequence"));
    public static final long H_CHECKSUM = HALF.byteOffset(groupElement("checksum"));
    public static final long H_BODY_LENGTH = HALF.byteOffset(groupElement("body_length"));
    public static final long H_TIME = HALF.byteOffset(groupElement("time"));
    public static final long H_TOOK = HALF.byteOffset(groupElement("took"));
    public static final long H_THREADS = HALF.byteOffset(groupElement("threads"));
    public static final long H_THREADS_OMITTED = HALF.byteOffset(groupElement("threads_omitted"));
    public static final long H_TRIGGER = HALF.byteOffset(groupElement("trigger"));
    /** A thread record's fixed part; its strings follow. */
    public static final int RECORD_HEADER = 44;
    /** Bytes of one string at most: a longer one is cut. */
    public static final int STRING_LIMIT = 1024;
    /** The smallest zone {@link #create} accepts: the header and two halves with room for a few threads. */
    public static final int MIN_ZONE_SIZE = HEADER_LENGTH + 2 * 1024;
    public static final int DAEMON = 1;
    public static final int IN_NATIVE = 2;
    public static final int SUSPENDED = 4;
    /** A monitor locked outside any frame kept (JNI, or below the depth kept). */
    public static final int NO_DEPTH = 0xffff;

    private static final HeaderPrologue PROLOGUE = new HeaderPrologue("threads zone", MAGIC, VERSION, HEADER_LENGTH);
    private static final Thread.State[] STATES = Thread.State.values();

    /** Why a snapshot was taken. */
    public enum Trigger {
        PERIODIC, ON_DEMAND, WATCHDOG;

        public int code() {
            return ordinal() + 1;
        }

        /** @return the trigger of a stored code, or {@code null} */
        public static Trigger of(int code) {
            return code >= 1 && code <= values().length ? values()[code - 1] : null;
        }
    }

    /** A monitor a thread holds, and the depth of the frame that locked it ({@link #NO_DEPTH} if none). */
    public record Monitor(String lock, int depth) {
    }

    /**
     * One thread as stored.
     *
     * @param cpuNanos    CPU time, -1 if unknown
     * @param lock        what it waits for or blocks on, empty if nothing
     * @param lockOwnerId the thread that holds {@code lock}, -1 if none
     * @param flags       {@link #DAEMON}, {@link #IN_NATIVE}, {@link #SUSPENDED}
     */
    public record ThreadEntry(long id, String name, Thread.State state, int flags, int priority, long cpuNanos, String lock,
            long lockOwnerId, String lockOwner, List<String> frames, int framesOmitted, List<Monitor> monitors,
            List<String> synchronizers) {
        public boolean daemon() {
            return (flags & DAEMON) != 0;
        }
    }

    /** A snapshot as read back, or as handed to {@link #write}. */
    public record Snapshot(long sequence, long time, long tookNanos, Trigger trigger, List<ThreadEntry> threads,
            int threadsOmitted) {
    }

    private final MemorySegment zone;
    private final long halfLength;

    private ThreadsSnapshot(MemorySegment zone, long halfLength) {
        this.zone = zone;
        this.halfLength = halfLength;
    }

    /** @return the half length a zone of {@code zoneSize} bytes gives */
    public static long halfLengthOf(long zoneSize) {
        return ((zoneSize - HEADER_LENGTH) / 2) & ~7L;
    }

    /**
     * Writes the header of a zone without snapshots, version last.
     *
     * @throws IllegalArgumentException if the zone is smaller than {@link #MIN_ZONE_SIZE}
     */
    public static ThreadsSnapshot create(MemorySegment zone) {
        if (zone.byteSize() < MIN_ZONE_SIZE) {
            throw new IllegalArgumentException("a threads zone of " + zone.byteSize() + " bytes is too small: it needs at least "
                    + MIN_ZONE_SIZE);
        }
        long half = halfLengthOf(zone.byteSize());
        PROLOGUE.begin(zone);
        zone.set(U64, HALF_LENGTH, half);
        zone.asSlice(HEADER_LENGTH, 2 * half).fill((byte) 0);
        PROLOGUE.publish(zone);
        return new ThreadsSnapshot(zone, half);
    }

    /**
     * Opens a zone written by someone else, after checking its header against the zone's size.
     *
     * @throws IllegalArgumentException naming {@code where} and the field that is wrong
     */
    public static ThreadsSnapshot open(MemorySegment zone, String where) {
        if (zone.byteSize() < HEADER_LENGTH) {
            throw new IllegalArgumentException(where + ": truncated: " + zone.byteSize() + " bytes, a threads zone header has "
                    + HEADER_LENGTH);
        }
        PROLOGUE.check(zone, where);
        long half = zone.get(U64, HALF_LENGTH);
        if (half < HALF_HEADER || half % 8 != 0 || half > (zone.byteSize() - HEADER_LENGTH) / 2) {
            throw new IllegalArgumentException(where + ": half_length " + Long.toUnsignedString(half) + " does not fit a zone of "
                    + zone.byteSize() + " bytes");
        }
        return new ThreadsSnapshot(zone, half);
    }

    public long halfLength() {
        return halfLength;
    }

    private MemorySegment half(int index) {
        return zone.asSlice(HEADER_LENGTH + index * halfLength, halfLength);
    }

    private long sequence(int index) {
        return (long) U64_ORDERED.getAcquire(zone, HEADER_LENGTH + index * halfLength + H_SEQUENCE);
    }

    /**
     * Writes a snapshot over the half that does not hold the newest one; the threads that do not fit
     * are counted as omitted. Not thread-safe: one writer at a time. The snapshot's own sequence is
     * ignored: the written one follows the newest in the zone.
     *
     * @return the sequence written
     */
    public long write(Snapshot snapshot) {
        long first = sequence(0);
        long second = sequence(1);
        int target = first <= second ? 0 : 1;
        long sequence = Math.max(first, second) + 1;
        byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, halfLength)];
        Encoder body = new Encoder(bytes, HALF_HEADER);
        int written = 0;
        for (ThreadEntry thread : snapshot.threads()) {
            if (!body.thread(thread)) {
                break;
            }
            written++;
        }
        int bodyLength = body.position - HALF_HEADER;
        MemorySegment header = MemorySegment.ofArray(bytes);
        header.set(U32, H_BODY_LENGTH, bodyLength);
        header.set(U64, H_TIME, snapshot.time());
        header.set(U64, H_TOOK, snapshot.tookNanos());
        header.set(U32, H_THREADS, written);
        header.set(U32, H_THREADS_OMITTED, snapshot.threadsOmitted() + snapshot.threads().size() - written);
        header.set(U32, H_TRIGGER, snapshot.trigger().code());
        header.set(U32, H_CHECKSUM, checksum(bytes, body.position, sequence));
        MemorySegment half = half(target);
        long sequenceField = HEADER_LENGTH + target * halfLength + H_SEQUENCE;
        U64_ORDERED.setRelease(zone, sequenceField, 0L);
        MemorySegment.copy(header, 8, half, 8, body.position - 8);
        U64_ORDERED.setRelease(zone, sequenceField, sequence);
        return sequence;
    }

    private static int checksum(byte[] half, int end, long sequence) {
        CRC32C crc = new CRC32C();
        crc.update(half, 12, end - 12);
        byte[] sequenceBytes = new byte[8];
        MemorySegment.ofArray(sequenceBytes).set(U64, 0, sequence);
        crc.update(sequenceBytes);
        return (int) crc.getValue();
    }

    /**
     * @return the newest whole snapshot, or {@code null} when neither half holds one (none written
     *         yet, or both torn or corrupt). Bounded: copies at most one half at a time and decodes
     *         only what its checksum vouched for.
     */
    public Snapshot newest() {
        Snapshot best = null;
        for (int index = 0; index < 2; index++) {
            Snapshot snapshot = read(index);
            if (snapshot != null && (best == null || snapshot.sequence() > best.sequence())) {
                best = snapshot;
            }
        }
        return best;
    }

    private Snapshot read(int index) {
        long sequence = sequence(index);
        if (sequence <= 0) {
            return null;
        }
        MemorySegment half = half(index);
        long bodyLength = Integer.toUnsignedLong(half.get(U32, H_BODY_LENGTH));
        if (bodyLength > halfLength - HALF_HEADER) {
            return null;
        }
        byte[] bytes = half.asSlice(0, HALF_HEADER + bodyLength).toArray(U8);
        MemorySegment copy = MemorySegment.ofArray(bytes);
        if (copy.get(U64, H_SEQUENCE) != sequence || checksum(bytes, bytes.length, sequence) != copy.get(U32, H_CHECKSUM)) {
            return null;
        }
        Trigger trigger = Trigger.of(copy.get(U32, H_TRIGGER));
        int count = copy.get(U32, H_THREADS);
        int omitted = copy.get(U32, H_THREADS_OMITTED);
        if (trigger == null || count < 0 || omitted < 0) {
            return null;
        }
        Decoder body = new Decoder(bytes, HALF_HEADER);
        List<ThreadEntry> threads = new ArrayList<>();
        while (body.position < bytes.length) {
            ThreadEntry thread = body.thread();
            if (thread == null) {
                return null;
            }
            threads.add(thread);
        }
        if (threads.size() != count) {
            return null;
        }
        return new Snapshot(sequence, copy.get(U64, H_TIME), copy.get(U64, H_TOOK), trigger, List.copyOf(threads), omitted);
    }

    /** Appends records to a byte array, refusing one that does not fit whole. */
    private static final class Encoder {
        private final byte[] bytes;
        private final MemorySegment segment;
        private int position;

        Encoder(byte[] bytes, int position) {
            this.bytes = bytes;
            this.segment = MemorySegment.ofArray(bytes);
            this.position = position;
        }

        boolean thread(ThreadEntry thread) {
            int start = position;
            int frames = Math.min(thread.frames().size(), 0xffff);
            int monitors = Math.min(thread.monitors().size(), 0xffff);
            int synchronizers = Math.min(thread.synchronizers().size(), 0xffff);
            if (!room(RECORD_HEADER)) {
                return false;
            }
            segment.set(U64, start + 4, thread.id());
            segment.set(U64, start + 12, thread.cpuNanos());
            segment.set(U64, start + 20, thread.lockOwnerId());
            segment.set(U8, start + 28, (byte) (thread.state().ordinal() + 1));
            segment.set(U8, start + 29, (byte) thread.flags());
            segment.set(U8, start + 30, (byte) thread.priority());
            segment.set(U8, start + 31, (byte) 0);
            segment.set(U32, start + 32, thread.framesOmitted() + thread.frames().size() - frames);
            segment.set(U16, start + 36, (short) frames);
            segment.set(U16, start + 38, (short) monitors);
            segment.set(U16, start + 40, (short) synchronizers);
            segment.set(U16, start + 42, (short) 0);
            position += RECORD_HEADER;
            boolean fits = string(thread.name()) && string(thread.lock()) && string(thread.lockOwner());
            for (int i = 0; fits && i < frames; i++) {
                fits = string(thread.frames().get(i));
            }
            for (int i = 0; fits && i < monitors; i++) {
                Monitor monitor = thread.monitors().get(i);
                fits = room(2);
                if (fits) {
                    int depth = monitor.depth();
                    segment.set(U16, position, (short) (depth < 0 || depth > NO_DEPTH ? NO_DEPTH : depth));
                    position += 2;
                    fits = string(monitor.lock());
                }
            }
            for (int i = 0; fits && i < synchronizers; i++) {
                fits = string(thread.synchronizers().get(i));
            }
            if (!fits) {
                position = start;
                return false;
            }
            segment.set(U32, start, position - start);
            return true;
        }

        private boolean room(int length) {
            return bytes.length - position >= length;
        }

        private boolean string(String text) {
            byte[] utf8 = cut(text == null ? "" : text);
            if (!room(2 + utf8.length)) {
                return false;
            }
            segment.set(U16, position, (short) utf8.length);
            System.arraycopy(utf8, 0, bytes, position + 2, utf8.length);
            position += 2 + utf8.length;
            return true;
        }

        /** Cuts to {@link #STRING_LIMIT} bytes on a character boundary. */
        private static byte[] cut(String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            if (utf8.length <= STRING_LIMIT) {
                return utf8;
            }
            int end = STRING_LIMIT;
            while (end > 0 && (utf8[end] & 0xc0) == 0x80) {
                end--;
            }
            byte[] cut = new byte[end];
            System.arraycopy(utf8, 0, cut, 0, end);
            return cut;
        }
    }

    /** Reads records back; every length is checked against what is left, so nothing is allocated on a field's word. */
    private static final class Decoder {
        private final byte[] bytes;
        private final MemorySegment segment;
        private int position;
        private int end;

        Decoder(byte[] bytes, int position) {
            this.bytes = bytes;
            this.segment = MemorySegment.ofArray(bytes);
            this.position = position;
        }

        /** @return the next record, or {@code null} if it is malformed */
        ThreadEntry thread() {
            int start = position;
            if (bytes.length - start < RECORD_HEADER) {
                return null;
            }
            int length = segment.get(U32, start);
            if (length < RECORD_HEADER || length > bytes.length - start) {
                return null;
            }
            end = start + length;
            int state = segment.get(U8, start + 28);
            if (state < 1 || state > STATES.length) {
                return null;
            }
            int framesOmitted = segment.get(U32, start + 32);
            int frameCount = Short.toUnsignedInt(segment.get(U16, start + 36));
            int monitorCount = Short.toUnsignedInt(segment.get(U16, start + 38));
            int synchronizerCount = Short.toUnsignedInt(segment.get(U16, start + 40));
            position = start + RECORD_HEADER;
            String name = string();
            String lock = string();
            String owner = string();
            List<String> frames = new ArrayList<>();
            for (int i = 0; i < frameCount && owner != null; i++) {
                String frame = string();
                if (frame == null) {
                    return null;
                }
                frames.add(frame);
            }
            List<Monitor> monitors = new ArrayList<>();
            for (int i = 0; i < monitorCount && owner != null; i++) {
                if (end - position < 2) {
                    return null;
                }
                int depth = Short.toUnsignedInt(segment.get(U16, position));
                position += 2;
                String monitor = string();
                if (monitor == null) {
                    return null;
                }
                monitors.add(new Monitor(monitor, depth));
            }
            List<String> synchronizers = new ArrayList<>();
            for (int i = 0; i < synchronizerCount && owner != null; i++) {
                String synchronizer = string();
                if (synchronizer == null) {
                    return null;
                }
                synchronizers.add(synchronizer);
            }
            if (owner == null || position != end || framesOmitted < 0) {
                return null;
            }
            return new ThreadEntry(segment.get(U64, start + 4), name, STATES[state - 1], segment.get(U8, start + 29),
                    segment.get(U8, start + 30), segment.get(U64, start + 12), lock, segment.get(U64, start + 20), owner,
                    List.copyOf(frames), framesOmitted, List.copyOf(monitors), List.copyOf(synchronizers));
        }

        /** @return the next string, or {@code null} if its length passes the record's end */
        private String string() {
            if (end - position < 2) {
                return null;
            }
            int length = Short.toUnsignedInt(segment.get(U16, position));
            if (length > end - position - 2) {
                return null;
            }
            String text = new String(bytes, position + 2, length, StandardCharsets.UTF_8);
            position += 2 + length;
            return text;
        }
    }
}
