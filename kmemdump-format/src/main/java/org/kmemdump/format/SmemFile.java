package org.kmemdump.format;

import static org.kmemdump.format.LittleEndian.U32;
import static org.kmemdump.format.LittleEndian.U64;

import java.lang.foreign.MemorySegment;

/**
 * The "SMEM" file: shared memory that outlives the JVM and holds the minidump table, where the
 * firmware would find SMEM item {@value MinidumpTable#SMEM_ITEM}. Real SMEM has a partitioned
 * layout of its own; this file keeps one item behind a small header that tells a reader where the
 * item is and at which address the writer mapped the file, so that {@code regions_baseptr} (an
 * address in the writer's process) can be turned back into a file offset.
 *
 * <pre>
 * offset size field
 *      0    8 magic            "KMDSMEM" + NUL, little-endian u64 {@link #MAGIC}
 *      8    4 version          {@link #VERSION}; written last, 0 = not ready
 *     12    4 header_length    {@link #HEADER_LENGTH}
 *     16    8 base_address     where the writer mapped offset 0
 *     24    4 item_id          {@value MinidumpTable#SMEM_ITEM}
 *     28    4 reserved
 *     32    8 item_offset      offset of the global table of contents
 *     40    8 item_length      {@value MinidumpTable#TOC_SIZE} + the region array
 *     48   16 reserved
 *     64  336 global table of contents (SMEM item 602)
 *    400 8040 the application subsystem's region array (201 x 40)
 * </pre>
 */
public final class SmemFile {
    public static final long MAGIC = 0x004D454D53444D4BL; // "KMDSMEM\0"
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 64;
    public static final long MAGIC_FIELD = HeaderPrologue.MAGIC_FIELD;
    public static final long VERSION_FIELD = HeaderPrologue.VERSION_FIELD;
    public static final long HEADER_LENGTH_FIELD = HeaderPrologue.HEADER_LENGTH_FIELD;
    public static final long BASE_ADDRESS = 16;
    public static final long ITEM_ID = 24;
    public static final long ITEM_OFFSET = 32;
    public static final long ITEM_LENGTH = 40;
    public static final long TOC_OFFSET = HEADER_LENGTH;
    public static final long REGIONS_OFFSET = TOC_OFFSET + MinidumpTable.TOC_SIZE;
    public static final long LENGTH = REGIONS_OFFSET + MinidumpTable.REGION_ARRAY_SIZE;
    public static final String FILE_NAME = "smem";

    private static final HeaderPrologue PROLOGUE = new HeaderPrologue("SMEM file", MAGIC, VERSION, HEADER_LENGTH);

    private SmemFile() {
    }

    /**
     * Writes the header of a new file mapped at {@code file.address()}, version last, and
     * initializes the table of contents as a bootloader would.
     */
    public static MinidumpTable create(MemorySegment file) {
        PROLOGUE.begin(file);
        file.set(U64, BASE_ADDRESS, file.address());
        file.set(U32, ITEM_ID, MinidumpTable.SMEM_ITEM);
        file.set(U64, ITEM_OFFSET, TOC_OFFSET);
        file.set(U64, ITEM_LENGTH, LENGTH - TOC_OFFSET);
        MinidumpTable table = table(file);
        table.initializeToc();
        PROLOGUE.publish(file);
        return table;
    }

    /**
     * Opens an existing file for the writer after checking it is one of ours, and records the
     * address it is mapped at now. The table of contents is left as found.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static MinidumpTable reopen(MemorySegment file, String where) {
        check(file, where);
        file.set(U64, BASE_ADDRESS, file.address());
        return table(file);
    }

    /** Checks the header; every problem names the file and the field. */
    public static void check(MemorySegment file, String where) {
        if (file.byteSize() < LENGTH) {
            throw new IllegalArgumentException(where + ": truncated: " + file.byteSize() + " bytes, a minidump SMEM file has " + LENGTH);
        }
        PROLOGUE.check(file, where);
        expect(file, where, "item_id", file.get(U32, ITEM_ID), MinidumpTable.SMEM_ITEM);
        expect(file, where, "item_offset", file.get(U64, ITEM_OFFSET), TOC_OFFSET);
        expect(file, where, "item_length", file.get(U64, ITEM_LENGTH), LENGTH - TOC_OFFSET);
    }

    private static void expect(MemorySegment file, String where, String field, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(where + ": " + field + " is " + actual + ", expected " + expected);
        }
    }

    /** @return the writer's mapping address of offset 0 */
    public static long baseAddress(MemorySegment file) {
        return file.get(U64, BASE_ADDRESS);
    }

    /** @return the table in a checked file */
    public static MinidumpTable table(MemorySegment file) {
        return new MinidumpTable(file.asSlice(TOC_OFFSET, MinidumpTable.TOC_SIZE),
                file.asSlice(REGIONS_OFFSET, MinidumpTable.REGION_ARRAY_SIZE));
    }

    /** @return the address the region array has in the writer's mapping: the {@code regions_baseptr} */
    public static long regionsAddress(MemorySegment file) {
        return baseAddress(file) + REGIONS_OFFSET;
    }
}
