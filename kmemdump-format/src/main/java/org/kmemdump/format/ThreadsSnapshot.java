package org.kmemdump.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.kmemdump.format.LittleEndian.U16;
import static org.kmemdump.format.LittleEndian.U32;
import static org.kmemdump.format.LittleEndian.U32_ALIGNED;
import static org.kmemdump.format.LittleEndian.U64;
import static org.kmemdump.format.LittleEndian.U64_ALIGNED;
import static org.kmemdump.format.LittleEndian.U8;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The threads zone: the newest snapshot of every live thread, kept in {@link SnapshotBuffers}
 * (content {@link SnapshotBuffers.Content#THREADS}), which an outside reader can take whole at any
 * instant, including right after the writer was killed in the middle of a rewrite. This class
 * defines the snapshot's payload: when it was taken is the buffer's {@code time}.
 *
 * <pre>
 * payload (little-endian)
 *    0  8 took            ns the snapshot took
 *    8  4 threads         thread records that follow
 *   12  4 threads_omitted live threads left out: no room in the buffer
 *   16  4 trigger         {@link Trigger} code
 *   20  4 reserved
 *   24    thread records, one after the other
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
 * <p>A payload whose checksum holds but whose records do not add up (a writer of another version,
 * or memory damaged between checksum and read) is no snapshot: {@link #decode} returns {@code null}.
 */
public final class ThreadsSnapshot {
    public static final StructLayout PAYLOAD = MemoryLayout.structLayout(
            U64_ALIGNED.withName("took"),
            U32_ALIGNED.withName("threads"),
            U32_ALIGNED.withName("threads_omitted"),
            U32_ALIGNED.withName("trigger"),
            MemoryLayout.paddingLayout(4));
    /** The payload's fixed part; the thread records follow. */
    public static final int PAYLOAD_HEADER = (int) PAYLOAD.byteSize();
    public static final long P_TOOK = PAYLOAD.byteOffset(groupElement("took"));
    public static final long P_THREADS = PAYLOAD.byteOffset(groupElement("threads"));
    public static final long P_THREADS_OMITTED = PAYLOAD.byteOffset(groupElement("threads_omitted"));
    public static final long P_TRIGGER = PAYLOAD.byteOffset(groupElement("trigger"));
    /** A thread record's fixed part; its strings follow. */
    public static final int RECORD_HEADER = 44;
    /** Bytes of one string at most: a longer one is cut. */
    public static final int STRING_LIMIT = 1024;
    /** The smallest zone {@link #create} accepts: the header and two buffers with room for a few threads. */
    public static final int MIN_ZONE_SIZE = SnapshotBuffers.HEADER_LENGTH + 2 * 1024;
    public static final int DAEMON = 1;
    public static final int IN_NATIVE = 2;
    public static final int SUSPENDED = 4;
    /** A monitor locked outside any frame kept (JNI, or below the depth kept). */
    public static final int NO_DEPTH = 0xffff;
    /** The encoder's first buffer: enough for a quiet JVM's threads, grown (up to the capacity) for more. */
    private static final int FIRST_BUFFER = 64 * 1024;

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

    private final SnapshotBuffers buffers;

    private ThreadsSnapshot(SnapshotBuffers buffers) {
        this.buffers = buffers;
    }

    /**
     * Writes the header of a threads zone without snapshots, version last.
     *
     * @throws IllegalArgumentException if the zone is smaller than {@link #MIN_ZONE_SIZE}
     */
    public static ThreadsSnapshot create(MemorySegment zone) {
        if (zone.byteSize() < MIN_ZONE_SIZE) {
            throw new IllegalArgumentException("a threads zone of " + zone.byteSize() + " bytes is too small: it needs at least "
                    + MIN_ZONE_SIZE);
        }
        return new ThreadsSnapshot(SnapshotBuffers.create(zone, SnapshotBuffers.Content.THREADS));
    }

    /**
     * Opens a threads zone written by someone else, after checking its header against the zone's size.
     *
     * @throws IllegalArgumentException naming {@code where} and the field that is wrong
     */
    public static ThreadsSnapshot open(MemorySegment zone, String where) {
        return new ThreadsSnapshot(SnapshotBuffers.open(zone, SnapshotBuffers.Content.THREADS, where));
    }

    /** @return the bytes of payload one snapshot may hold */
    public long capacity() {
        return buffers.capacity();
    }

    /**
     * Writes a snapshot over the buffer that does not hold the newest one; the threads that do not
     * fit are counted as omitted. Not thread-safe: one writer at a time. The snapshot's own sequence
     * is ignored: the written one follows the newest in the zone.
     *
     * @return the sequence written
     */
    public long write(Snapshot snapshot) {
        Encoder body = new Encoder((int) Math.min(Integer.MAX_VALUE - 8, buffers.capacity()));
        int written = 0;
        for (ThreadEntry thread : snapshot.threads()) {
            if (!body.thread(thread)) {
                break;
            }
            written++;
        }
        MemorySegment header = MemorySegment.ofArray(body.bytes);
        header.set(U64, P_TOOK, snapshot.tookNanos());
        header.set(U32, P_THREADS, written);
        header.set(U32, P_THREADS_OMITTED, snapshot.threadsOmitted() + snapshot.threads().size() - written);
        header.set(U32, P_TRIGGER, snapshot.trigger().code());
        return buffers.write(snapshot.time(), body.bytes, body.position);
    }

    /**
     * @return the newest whole snapshot, or {@code null} when neither buffer holds one (none written
     *         yet, or both torn or corrupt). Bounded: copies at most one buffer at a time and decodes
     *         only what its checksum vouched for.
     */
    public Snapshot newest() {
        SnapshotBuffers.Snapshot newest = buffers.newest();
        return newest == null ? null : decode(newest);
    }

    /**
     * @return the threads of a snapshot read from a threads zone, or {@code null} if its records do
     *         not add up; nothing is allocated on a length field's word
     */
    public static Snapshot decode(SnapshotBuffers.Snapshot snapshot) {
        byte[] bytes = snapshot.payload();
        if (bytes.length < PAYLOAD_HEADER) {
            return null;
        }
        MemorySegment header = MemorySegment.ofArray(bytes);
        Trigger trigger = Trigger.of(header.get(U32, P_TRIGGER));
        int count = header.get(U32, P_THREADS);
        int omitted = header.get(U32, P_THREADS_OMITTED);
        if (trigger == null || count < 0 || omitted < 0) {
            return null;
        }
        Decoder body = new Decoder(bytes, PAYLOAD_HEADER);
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
        return new Snapshot(snapshot.sequence(), snapshot.time(), header.get(U64, P_TOOK), trigger, List.copyOf(threads), omitted);
    }

    /**
     * Appends records after the payload's fixed part, refusing one that does not fit whole in
     * {@code capacity} bytes. Its array grows as needed, so a quiet JVM's snapshot does not cost
     * an array of the buffer's capacity.
     */
    private static final class Encoder {
        private final int capacity;
        private byte[] bytes;
        private MemorySegment segment;
        private int position = PAYLOAD_HEADER;

        Encoder(int capacity) {
            this.capacity = capacity;
            this.bytes = new byte[Math.min(capacity, FIRST_BUFFER)];
            this.segment = MemorySegment.ofArray(bytes);
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
            if (capacity - position < length) {
                return false;
            }
            if (bytes.length - position < length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(capacity, Math.max(2L * bytes.length, (long) position + length)));
                segment = MemorySegment.ofArray(bytes);
            }
            return true;
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
