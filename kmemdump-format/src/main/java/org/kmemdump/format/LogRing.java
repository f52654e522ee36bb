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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The log ring: a zone holding the newest log records, which an outside reader can walk at any
 * instant, including right after the writer was killed in the middle of an append.
 *
 * <pre>
 * header (64 bytes)
 *    0  8 magic          "KMDLOGRG", little-endian u64 {@link #MAGIC}
 *    8  4 version        {@link #VERSION}; written last, 0 = not ready
 *   12  4 header_length  {@link #HEADER_LENGTH}
 *   16  8 capacity       bytes of the data area, a multiple of 8
 *   24  8 head           absolute position just after the newest complete record; stored (release) after the record
 *   32  8 next_sequence  the sequence number the next record gets
 *   40 24 reserved
 * data (capacity bytes): the record at absolute position p lies at data offset p % capacity
 *
 * record (a multiple of 8 bytes, never crossing the end of the data area)
 *    0  4 length         whole record, header included
 *    4  4 checksum       CRC32C of the length field, then of bytes 8 .. length
 *    8  8 position       the record's absolute position: stale bytes of an earlier lap never match
 *   16  8 sequence       1, 2, 3, ...: a gap is records lost
 *   24  8 time           ms since the epoch
 *   32  8 bundle         the logging bundle's id, -1 if none
 *   40  1 level          {@link Level} code
 *   41  1 kind           1 entry, 2 padding to the end of the data area
 *   42  2 reserved
 *   44  4 text_length    bytes of text
 *   48    text           UTF-8: bundle name, NUL, message, NUL, exception; zero-padded to 8
 * </pre>
 *
 * <p>The exception text is one line per throwable, separated by {@code '\n'}: the exception
 * logged, then its causes, outermost first ({@link Entry#causes}). Each line reads
 * {@code class: message at frame}. Rings written before causes were recorded hold only the first
 * line, and a reader that knows nothing of causes shows the lines as one text: no version change.
 *
 * <p>Why a reader never shows garbage: a record is written whole (checksum included) beyond
 * {@code head}, and only then is {@code head} moved past it, so a record cut short by a kill is
 * outside the readable window {@code [head - capacity, head)}. What it did overwrite is the oldest
 * data in that window, whose checksums then fail: those records are skipped, as wrap-around would
 * have dropped them next anyway. Fewer than {@link #RECORD_HEADER} bytes before the end of the data
 * area are skipped implicitly; more are filled by a padding record.
 */
public final class LogRing {
    public static final long MAGIC = 0x4752474F4C444D4BL; // "KMDLOGRG"
    public static final int VERSION = 1;
    public static final StructLayout HEADER = MemoryLayout.structLayout(
            HeaderPrologue.LAYOUT.withName("prologue"),
            U64_ALIGNED.withName("capacity"),
            U64_ALIGNED.withName("head"),
            U64_ALIGNED.withName("next_sequence"),
            MemoryLayout.paddingLayout(24));
    public static final StructLayout RECORD = MemoryLayout.structLayout(
            U32_ALIGNED.withName("length"),
            U32_ALIGNED.withName("checksum"),
            U64_ALIGNED.withName("position"),
            U64_ALIGNED.withName("sequence"),
            U64_ALIGNED.withName("time"),
            U64_ALIGNED.withName("bundle"),
            U8.withName("level"),
            U8.withName("kind"),
            MemoryLayout.paddingLayout(2),
            U32_ALIGNED.withName("text_length"));
    public static final int HEADER_LENGTH = (int) HEADER.byteSize();
    /** A record's fixed part; its text follows. */
    public static final int RECORD_HEADER = (int) RECORD.byteSize();
    /**
     * The smallest zone {@link #create} accepts: the header and room for four bare records. So small
     * a ring keeps records without text, since text is cut to a quarter of the ring.
     */
    public static final int MIN_ZONE_SIZE = HEADER_LENGTH + 4 * RECORD_HEADER;
    public static final long MAGIC_FIELD = HeaderPrologue.MAGIC_FIELD;
    public static final long VERSION_FIELD = HeaderPrologue.VERSION_FIELD;
    public static final long HEADER_LENGTH_FIELD = HeaderPrologue.HEADER_LENGTH_FIELD;
    public static final long CAPACITY = HEADER.byteOffset(groupElement("capacity"));
    public static final long HEAD = HEADER.byteOffset(groupElement("head"));
    public static final long NEXT_SEQUENCE = HEADER.byteOffset(groupElement("next_sequence"));

    public static final long R_LENGTH = RECORD.byteOffset(groupElement("length"));
    public static final long R_CHECKSUM = RECORD.byteOffset(groupElement("checksum"));
    public static final long R_POSITION = RECORD.byteOffset(groupElement("position"));
    public static final long R_SEQUENCE = RECORD.byteOffset(groupElement("sequence"));
    public static final long R_TIME = RECORD.byteOffset(groupElement("time"));
    public static final long R_BUNDLE = RECORD.byteOffset(groupElement("bundle"));
    public static final long R_LEVEL = RECORD.byteOffset(groupElement("level"));
    public static final long R_KIND = RECORD.byteOffset(groupElement("kind"));
    public static final long R_TEXT_LENGTH = RECORD.byteOffset(groupElement("text_length"));
    public static final byte KIND_ENTRY = 1;
    public static final byte KIND_PADDING = 2;

    private static final int INITIAL_BUFFER = 512;
    private static final HeaderPrologue PROLOGUE = new HeaderPrologue("log ring", MAGIC, VERSION, HEADER_LENGTH);

    /** OSGi Log Service levels, by their order there. */
    public enum Level {
        AUDIT, ERROR, WARN, INFO, DEBUG, TRACE;

        /** @return the stored code: 1 for AUDIT up to 6 for TRACE */
        public byte code() {
            return (byte) (ordinal() + 1);
        }

        /** @return the level of a stored code, or {@code null} */
        public static Level of(int code) {
            return code >= 1 && code <= values().length ? values()[code - 1] : null;
        }
    }

    /** A record as read back. */
    public record Entry(long sequence, long time, long bundleId, Level level, String bundle, String message, String exception) {
        /** Separates the exception's line from each cause's line in {@link #exception}. */
        public static final char CAUSE_SEPARATOR = '\n';

        /** @return the logged exception's own line ({@code ""} for none), without its causes */
        public String thrown() {
            int end = exception.indexOf(CAUSE_SEPARATOR);
            return end < 0 ? exception : exception.substring(0, end);
        }

        /** @return one line per cause of the logged exception, outermost first */
        public List<String> causes() {
            int start = exception.indexOf(CAUSE_SEPARATOR);
            return start < 0 ? List.of() : List.of(exception.substring(start + 1).split(String.valueOf(CAUSE_SEPARATOR)));
        }
    }

    /**
     * Where a ring's data area holds bytes. In a sparse file a hole reads as zeros, so it holds no
     * record; a reader told where the holes are skips them without touching them (on tmpfs, reading
     * a hole through a mapping allocates a page) and without spending time on them.
     */
    public interface Present {
        /** Every byte is present: a ring in memory. */
        Present ALL = new Present() {
            @Override
            public long from(long offset) {
                return offset;
            }

            @Override
            public long until(long offset) {
                return Long.MAX_VALUE;
            }
        };

        /** @return the first data-area offset at or after {@code offset} that holds bytes (the capacity or more if none does) */
        long from(long offset);

        /** @return where the bytes present at {@code offset} end: the next hole, or anything beyond the capacity */
        long until(long offset);
    }

    /** What a walk of the ring found: the records in order, and how many were lost before or between them. */
    public record Walk(List<Entry> entries, long lost) {
    }

    private final MemorySegment zone;
    private final MemorySegment data;
    private final long capacity;
    /** The writer's record under construction; grown to the longest record appended so far. */
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private MemorySegment bufferSegment = MemorySegment.ofArray(buffer);
    private char[] chars = new char[INITIAL_BUFFER];
    private final CRC32C crc = new CRC32C();

    private LogRing(MemorySegment zone, long capacity) {
        this.zone = zone;
        this.capacity = capacity;
        this.data = zone.asSlice(HEADER_LENGTH, capacity);
    }

    /** @return the capacity a zone of {@code zoneSize} bytes gives: the rest after the header, in 8-byte units */
    public static long capacityOf(long zoneSize) {
        return (zoneSize - HEADER_LENGTH) & ~7L;
    }

    /**
     * Writes the header of an empty ring over a whole zone, version last.
     *
     * @throws IllegalArgumentException if the zone cannot hold a header and one record
     */
    public static LogRing create(MemorySegment zone) {
        long capacity = capacityOf(zone.byteSize());
        if (zone.byteSize() < MIN_ZONE_SIZE) {
            throw new IllegalArgumentException("a log ring of " + zone.byteSize() + " bytes is too small: it needs at least "
                    + MIN_ZONE_SIZE);
        }
        PROLOGUE.begin(zone);
        zone.set(U64, CAPACITY, capacity);
        zone.set(U64, NEXT_SEQUENCE, 1);
        PROLOGUE.publish(zone);
        return new LogRing(zone, capacity);
    }

    /**
     * Opens a ring written by someone else, after checking its header against the zone's size.
     *
     * @throws IllegalArgumentException naming {@code where} and the field that is wrong
     */
    public static LogRing open(MemorySegment zone, String where) {
        if (zone.byteSize() < HEADER_LENGTH) {
            throw new IllegalArgumentException(where + ": truncated: " + zone.byteSize() + " bytes, a log ring header has " + HEADER_LENGTH);
        }
        PROLOGUE.check(zone, where);
        long capacity = zone.get(U64, CAPACITY);
        if (capacity < 4 * RECORD_HEADER || capacity % 8 != 0 || capacity > zone.byteSize() - HEADER_LENGTH) {
            throw new IllegalArgumentException(where + ": capacity " + Long.toUnsignedString(capacity) + " does not fit a zone of "
                    + zone.byteSize() + " bytes");
        }
        return new LogRing(zone, capacity);
    }

    public long capacity() {
        return capacity;
    }

    /** @return where the ring's data area starts, relative to {@code file}, the mapping the ring is a slice of */
    public long dataOffsetIn(MemorySegment file) {
        return data.address() - file.address();
    }

    /** @return the position after the newest complete record */
    public long head() {
        return (long) U64_ORDERED.getAcquire(zone, HEAD);
    }

    /**
     * Appends one record. Not thread-safe: one writer at a time. Text longer than a quarter of the
     * ring is cut, so one record never wipes the ring. The record is built in a buffer this ring
     * keeps, then copied into the data area once: no allocation per record once the buffer has
     * grown to the longest text seen (but for a padding record, once per lap).
     */
    public void append(long time, long bundleId, Level level, String bundle, String message, String exception) {
        int textLength = encodeText(bundle, message, exception, (int) Math.min(Integer.MAX_VALUE, capacity / 4 - RECORD_HEADER));
        int length = (int) align8(RECORD_HEADER + textLength);
        long position = head();
        long toEnd = capacity - position % capacity;
        if (toEnd < length) {
            if (toEnd >= RECORD_HEADER) {
                byte[] padding = new byte[(int) toEnd]; // once per lap: the buffer holds the entry's text
                write(padding, MemorySegment.ofArray(padding), position, KIND_PADDING, (int) toEnd, 0, 0, (byte) 0, 0, 0);
            }
            position += toEnd;
        }
        long sequence = zone.get(U64, NEXT_SEQUENCE);
        write(buffer, bufferSegment, position, KIND_ENTRY, length, sequence, time, level.code(), textLength, bundleId);
        zone.set(U64, NEXT_SEQUENCE, sequence + 1);
        U64_ORDERED.setRelease(zone, HEAD, position + length);
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * Puts the record's text, the three texts as {@link RecordText} encodes them cut to {@code limit} bytes,
     * into the buffer after the record header, and zeros up to the next multiple of 8.
     *
     * @return the text's length in bytes
     */
    private int encodeText(String bundle, String message, String exception, int limit) {
        long longest = RecordText.longestEncoding(bundle, message, exception);
        ensureBuffer(RECORD_HEADER + (int) align8(Math.min((long) limit, longest)) + RecordText.LONGEST_CHAR);
        int scratch = RecordText.scratchChars(bundle, message, exception, limit);
        if (chars.length < scratch) {
            chars = new char[Math.max(scratch, 2 * chars.length)];
        }
        int end = RecordText.encode(buffer, RECORD_HEADER, chars, bundle, message, exception, RECORD_HEADER + limit);
        int textLength = Math.min(end, RECORD_HEADER + limit) - RECORD_HEADER;
        Arrays.fill(buffer, RECORD_HEADER + textLength, (int) align8(RECORD_HEADER + textLength), (byte) 0);
        return textLength;
    }

    private void ensureBuffer(int bytes) {
        if (buffer.length < bytes) {
            buffer = new byte[Math.max(bytes, 2 * buffer.length)];
            bufferSegment = MemorySegment.ofArray(buffer);
        }
    }

    /**
     * Fills in the header of the record in {@code bytes}, whose text is already in place (zeros for
     * padding), and copies the record to the data area.
     */
    private void write(byte[] bytes, MemorySegment record, long position, byte kind, int length, long sequence, long time,
            byte level, int textLength, long bundleId) {
        record.set(U32, R_LENGTH, length);
        record.set(U64, R_POSITION, position);
        record.set(U64, R_SEQUENCE, sequence);
        record.set(U64, R_TIME, time);
        record.set(U64, R_BUNDLE, bundleId);
        record.set(U8, R_LEVEL, level);
        record.set(U8, R_KIND, kind);
        record.set(U32, R_TEXT_LENGTH, textLength);
        crc.reset();
        crc.update(bytes, 0, 4);
        crc.update(bytes, 8, length - 8);
        record.set(U32, R_CHECKSUM, (int) crc.getValue());
        MemorySegment.copy(record, 0, data, position % capacity, length);
    }

    /**
     * Walks the readable window {@code [head - capacity, head)} and returns its records in order.
     * Bytes that are not a whole, checksummed record at the position it claims are skipped (the
     * oldest, being overwritten at a kill); a sequence gap is counted as records lost.
     * Bounded: one pass over at most {@code capacity} bytes, no allocation beyond one valid record's bytes.
     */
    public Walk walk() {
        return walk(Present.ALL);
    }

    /**
     * {@link #walk()} over only the bytes {@code present} says the data area holds: the holes of a
     * sparse file are skipped, so the walk costs what the ring holds, not what its header claims.
     */
    public Walk walk(Present present) {
        long head = head();
        return forward(present, head, align8(Math.max(0, head - capacity)), Integer.MAX_VALUE);
    }

    /**
     * The newest {@code count} records of {@link #walk(Present)}, found by walking back from
     * {@code head}: the cost follows the bytes of those records, not the ring's capacity. A record
     * is recognized where its own position field and checksum say it starts; stale bytes of an
     * earlier lap never match. {@link Walk#lost} counts the records lost before the window's oldest
     * readable record and between the ones returned (on an intact ring what {@code walk} counts;
     * unreadable records among older ones not returned are not looked for). A ring with holes in
     * the window is walked forward as {@code walk} does.
     */
    public Walk newest(int count, Present present) {
        long head = head();
        long floor = align8(Math.max(0, head - capacity));
        List<Entry> newestFirst = new ArrayList<>();
        long end = head;
        for (long at = (end - 1) & ~7L; newestFirst.size() < count && end > floor && at >= floor; at -= 8) {
            long offset = at % capacity;
            if (present.from(offset) != offset) {
                Walk all = walk(present);
                List<Entry> entries = all.entries();
                return new Walk(entries.subList(Math.max(0, entries.size() - count), entries.size()), all.lost());
            }
            byte[] record = recordAt(at, Math.min(Math.min(capacity - offset, end - at), present.until(offset) - offset));
            if (record == null) {
                continue;
            }
            Entry entry = record[(int) R_KIND] == KIND_ENTRY ? entry(record) : null;
            if (entry != null) {
                newestFirst.add(entry);
            }
            end = at;
        }
        List<Entry> entries = newestFirst.reversed();
        long lost = 0;
        for (int i = 1; i < entries.size(); i++) {
            lost += Math.max(0, entries.get(i).sequence() - entries.get(i - 1).sequence() - 1);
        }
        if (!entries.isEmpty()) {
            List<Entry> oldest = newestFirst.size() < count ? entries : forward(present, head, floor, 1).entries();
            long first = oldest.isEmpty() ? entries.get(0).sequence() : Math.min(oldest.get(0).sequence(), entries.get(0).sequence());
            lost += Math.max(0, first - 1);
        }
        return new Walk(List.copyOf(entries), lost);
    }

    /** Walks from {@code position} up to {@code head}, until {@code limit} entries are found. */
    private Walk forward(Present present, long head, long position, int limit) {
        List<Entry> entries = new ArrayList<>();
        long lost = 0;
        long expected = -1;
        while (position < head && entries.size() < limit) {
            long toEnd = capacity - position % capacity;
            if (toEnd < RECORD_HEADER) {
                position += toEnd;
                continue;
            }
            long offset = position % capacity;
            long data = present.from(offset);
            if (data > offset) { // a hole holds no record
                position += data >= capacity ? toEnd : align8(data) - offset;
                continue;
            }
            byte[] record = recordAt(position, Math.min(Math.min(toEnd, head - position), present.until(offset) - offset));
            if (record == null) {
                position += 8;
                continue;
            }
            if (record[(int) R_KIND] == KIND_ENTRY) {
                Entry entry = entry(record);
                if (entry != null) {
                    if (expected >= 0 && entry.sequence() > expected) {
                        lost += entry.sequence() - expected;
                    }
                    if (expected < 0 && entry.sequence() > 1) {
                        lost += entry.sequence() - 1;
                    }
                    expected = entry.sequence() + 1;
                    entries.add(entry);
                }
            }
            position += record.length;
        }
        return new Walk(entries, lost);
    }

    /**
     * @return the record at {@code position} if it is whole, no longer than {@link #append} writes
     *         one, and checks out, else {@code null}; checked in place, so garbage is never copied
     */
    private byte[] recordAt(long position, long available) {
        long offset = position % capacity;
        int length = data.get(U32, offset);
        if (length < RECORD_HEADER || length % 8 != 0 || length > available || length > longestRecord()) {
            return null;
        }
        if (data.get(U64, offset + R_POSITION) != position) {
            return null;
        }
        MemorySegment record = data.asSlice(offset, length);
        CRC32C crc = new CRC32C();
        crc.update(record.asSlice(0, 4).asByteBuffer());
        crc.update(record.asSlice(8).asByteBuffer());
        return (int) crc.getValue() == record.get(U32, R_CHECKSUM) ? record.toArray(U8) : null;
    }

    /** @return the longest record {@link #append} writes: text is cut to a quarter of the ring, padding is shorter than a record */
    private long longestRecord() {
        return align8(Math.min(Integer.MAX_VALUE, capacity / 4));
    }

    private static Entry entry(byte[] bytes) {
        MemorySegment record = MemorySegment.ofArray(bytes);
        int textLength = record.get(U32, R_TEXT_LENGTH);
        Level level = Level.of(record.get(U8, R_LEVEL));
        if (level == null || textLength < 0 || textLength > bytes.length - RECORD_HEADER) {
            return null;
        }
        String[] parts = new String(bytes, RECORD_HEADER, textLength, StandardCharsets.UTF_8).split("\0", 3);
        return new Entry(record.get(U64, R_SEQUENCE), record.get(U64, R_TIME), record.get(U64, R_BUNDLE), level,
                parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
    }
}
