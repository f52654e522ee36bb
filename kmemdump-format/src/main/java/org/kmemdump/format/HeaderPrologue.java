package org.kmemdump.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.kmemdump.format.LittleEndian.U32;
import static org.kmemdump.format.LittleEndian.U32_ALIGNED;
import static org.kmemdump.format.LittleEndian.U32_ORDERED;
import static org.kmemdump.format.LittleEndian.U64;
import static org.kmemdump.format.LittleEndian.U64_ALIGNED;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The first 16 bytes of every header kmemdump defines for memory it owns (the arena file, the SMEM
 * file, the log ring), and the way such a header is published: the version is zeroed first and
 * written last, so a reader that sees a version sees the whole header, and a writer killed midway
 * leaves version 0 behind.
 *
 * <pre>
 *  0 8 magic          little-endian u64, eight ASCII bytes naming the kind
 *  8 4 version        written last; 0 = not ready
 * 12 4 header_length
 * </pre>
 *
 * @param kind what the header heads, for messages ("arena", "SMEM file", "log ring")
 */
record HeaderPrologue(String kind, long magic, int version, int headerLength) {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            U64_ALIGNED.withName("magic"),
            U32_ALIGNED.withName("version"),
            U32_ALIGNED.withName("header_length"));
    static final long MAGIC_FIELD = LAYOUT.byteOffset(groupElement("magic"));
    static final long VERSION_FIELD = LAYOUT.byteOffset(groupElement("version"));
    static final long HEADER_LENGTH_FIELD = LAYOUT.byteOffset(groupElement("header_length"));

    /** Unpublishes the header, zeroes all {@link #headerLength} bytes and writes the prologue but its version. */
    void begin(MemorySegment header) {
        U32_ORDERED.setRelease(header, VERSION_FIELD, 0);
        header.asSlice(0, headerLength).fill((byte) 0);
        header.set(U64, MAGIC_FIELD, magic);
        header.set(U32, HEADER_LENGTH_FIELD, headerLength);
    }

    /** Publishes a header whose other fields are written: its version goes last. */
    void publish(MemorySegment header) {
        U32_ORDERED.setRelease(header, VERSION_FIELD, version);
    }

    /**
     * Checks the prologue of a header of at least 16 bytes.
     *
     * @throws IllegalArgumentException naming {@code where} and the field that is wrong
     */
    void check(MemorySegment header, String where) {
        long found = header.get(U64, MAGIC_FIELD);
        if (found != magic) {
            throw new IllegalArgumentException(where + ": magic is 0x" + Long.toHexString(found) + ", not a kmemdump " + kind);
        }
        int foundVersion = (int) U32_ORDERED.getAcquire(header, VERSION_FIELD);
        if (foundVersion == 0) {
            throw new IllegalArgumentException(where + ": version is 0: the " + kind + " was never finished (its writer died creating it)");
        }
        if (foundVersion != version) {
            throw new IllegalArgumentException(where + ": version " + foundVersion + " is not supported (this reader knows " + version + ")");
        }
        int foundLength = header.get(U32, HEADER_LENGTH_FIELD);
        if (foundLength != headerLength) {
            throw new IllegalArgumentException(where + ": header_length is " + foundLength + ", expected " + headerLength);
        }
    }
}
