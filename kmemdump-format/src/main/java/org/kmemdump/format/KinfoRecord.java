package org.kmemdump.format;

import static org.kmemdump.format.LittleEndian.U16;
import static org.kmemdump.format.LittleEndian.U32;
import static org.kmemdump.format.LittleEndian.U64;
import static org.kmemdump.format.LittleEndian.U8;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Google's kinfo record ({@code kernel_all_info}, the Android "debug-kinfo" layout), byte for byte,
 * followed by a JVM extension record, in a reserved area a reader finds without parsing a dump.
 * Packed, little-endian.
 *
 * <pre>
 * kernel_all_info (472)
 *     0  4 magic_number          {@link #MAGIC}
 *     4  4 combined_checksum     XOR of the 116 little-endian u32 words of info
 *     8    info (kernel_info, 464):
 *     8  1 enabled_all  9 enabled_base_relative  10 enabled_absolute_percpu  11 enabled_cfi_clang
 *    12  4 num_syms
 *    16  2 name_len  18 bit_per_long  20 module_name_len  22 symbol_len
 *    24  8 _relative_pa, then _text_pa, _stext_pa, _etext_pa, _sinittext_pa, _einittext_pa, _end_pa,
 *          _offsets_pa, _names_pa, _token_table_pa, _token_index_pa, _markers_pa, _seqs_of_names_pa (13 x 8)
 *   128  4 thread_size
 *   132  8 swapper_pg_dir_pa
 *   140 64 last_uts_release
 *   204 256 build_info
 *   460  4 enabled_modules_tree_lookup  464 mod_mem_offset  468 mod_kallsyms_offset
 *
 * JVM extension (80), right after
 *   472  4 magic                 {@link #EXT_MAGIC} ("KJVM")
 *   476  4 version               {@link #EXT_VERSION}
 *   480  4 checksum              XOR of the 17 u32 words from offset 484 to 552
 *   484  4 length                {@link #EXT_LENGTH}
 *   488 16 log ring              address, size
 *   504 16 ELF zone              address, size
 *   520 16 VMCOREINFO zone       address, size
 *   536 16 bundle table zone     address, size
 * </pre>
 *
 * The JVM's mapping of the kernel fields: {@code enabled_all} = 1, {@code bit_per_long} = 64,
 * {@code thread_size} = the JVM's default thread stack size, {@code last_uts_release} = the
 * runtime's release string, {@code build_info} = configuration; every symbol-table and physical
 * address field is 0: the JVM has no kallsyms, no kernel text and no page tables to point at.
 */
public final class KinfoRecord {
    /** The reserved area's file in the kmemdump directory. */
    public static final String FILE_NAME = "kinfo";
    public static final int MAGIC = 0xCCEEDDFF;
    public static final int ALL_INFO_LENGTH = 472;
    public static final int INFO_OFFSET = 8;
    public static final int INFO_LENGTH = 464;
    public static final int INFO_WORDS = INFO_LENGTH / 4;
    public static final int BUILD_INFO_LEN = 256;
    public static final int UTS_RELEASE_LEN = 64;

    public static final long MAGIC_NUMBER = 0;
    public static final long COMBINED_CHECKSUM = 4;
    public static final long ENABLED_ALL = 8;
    public static final long NUM_SYMS = 12;
    public static final long BIT_PER_LONG = 18;
    public static final long RELATIVE_PA = 24;
    public static final long THREAD_SIZE = 128;
    public static final long SWAPPER_PG_DIR_PA = 132;
    public static final long LAST_UTS_RELEASE = 140;
    public static final long BUILD_INFO = 204;
    public static final long ENABLED_MODULES_TREE_LOOKUP = 460;
    public static final long MOD_MEM_OFFSET = 464;
    public static final long MOD_KALLSYMS_OFFSET = 468;

    public static final int EXT_MAGIC = 0x4D564A4B; // "KJVM"
    public static final int EXT_VERSION = 1;
    public static final long EXT_OFFSET = ALL_INFO_LENGTH;
    public static final int EXT_LENGTH = 80;
    public static final long EXT_MAGIC_FIELD = EXT_OFFSET;
    public static final long EXT_VERSION_FIELD = EXT_OFFSET + 4;
    public static final long EXT_CHECKSUM = EXT_OFFSET + 8;
    public static final long EXT_LENGTH_FIELD = EXT_OFFSET + 12;
    public static final long EXT_LOG = EXT_OFFSET + 16;
    public static final long EXT_ELF = EXT_OFFSET + 32;
    public static final long EXT_VMCOREINFO = EXT_OFFSET + 48;
    public static final long EXT_BUNDLES = EXT_OFFSET + 64;
    /** The smallest reserved area: both records. */
    public static final long AREA_LENGTH = EXT_OFFSET + EXT_LENGTH;

    /** A zone the extension record points at; size 0 when there is none. */
    public record Pointer(long address, long size) {
    }

    /** The record as a reader sees it, checked. */
    public record Contents(String lastUtsRelease, String buildInfo, int threadSize, int bitPerLong, Pointer log, Pointer elf,
            Pointer vmcoreinfo, Pointer bundles) {
    }

    private final MemorySegment area;

    private KinfoRecord(MemorySegment area) {
        this.area = area;
    }

    /**
     * Zeroes the area and writes an empty record (as the kernel backend does at probe).
     *
     * @throws IllegalArgumentException if the area is smaller than {@link #AREA_LENGTH}
     */
    public static KinfoRecord create(MemorySegment area, String buildInfo, int threadSize) {
        if (area.byteSize() < AREA_LENGTH) {
            throw new IllegalArgumentException("the kinfo area has " + area.byteSize() + " bytes, it needs at least " + AREA_LENGTH);
        }
        area.fill((byte) 0);
        KinfoRecord record = new KinfoRecord(area);
        area.set(U32, MAGIC_NUMBER, MAGIC);
        area.set(U8, ENABLED_ALL, (byte) 1);
        area.set(U16, BIT_PER_LONG, (short) 64);
        area.set(U32, THREAD_SIZE, threadSize);
        text(area, BUILD_INFO, BUILD_INFO_LEN, buildInfo);
        area.set(U32, EXT_MAGIC_FIELD, EXT_MAGIC);
        area.set(U32, EXT_VERSION_FIELD, EXT_VERSION);
        area.set(U32, EXT_LENGTH_FIELD, EXT_LENGTH);
        record.checksums();
        return record;
    }

    private static void text(MemorySegment area, long field, int length, String text) {
        CString.write(area, field, length, text.getBytes(StandardCharsets.UTF_8));
    }

    public void lastUtsRelease(String release) {
        text(area, LAST_UTS_RELEASE, UTS_RELEASE_LEN, release);
        checksums();
    }

    public void log(Pointer pointer) {
        pointer(EXT_LOG, pointer);
    }

    public void elf(Pointer pointer) {
        pointer(EXT_ELF, pointer);
    }

    public void vmcoreinfo(Pointer pointer) {
        pointer(EXT_VMCOREINFO, pointer);
    }

    public void bundles(Pointer pointer) {
        pointer(EXT_BUNDLES, pointer);
    }

    private void pointer(long field, Pointer pointer) {
        area.set(U64, field, pointer.address());
        area.set(U64, field + 8, pointer.size());
        checksums();
    }

    /** Recomputes both checksums: after every change, as the kernel backend does. */
    private void checksums() {
        area.set(U32, COMBINED_CHECKSUM, infoChecksum(area));
        area.set(U32, EXT_CHECKSUM, extensionChecksum(area));
    }

    /** @return the XOR of the 116 u32 words of {@code kernel_info} */
    public static int infoChecksum(MemorySegment area) {
        return xor(area, INFO_OFFSET, INFO_WORDS);
    }

    /** @return the XOR of the extension's u32 words after its checksum */
    public static int extensionChecksum(MemorySegment area) {
        return xor(area, EXT_LENGTH_FIELD, (EXT_LENGTH - 12) / 4);
    }

    private static int xor(MemorySegment area, long from, int words) {
        int checksum = 0;
        for (int i = 0; i < words; i++) {
            checksum ^= area.get(U32, from + 4L * i);
        }
        return checksum;
    }

    /**
     * Reads and checks both records.
     *
     * @throws IllegalArgumentException naming {@code where} and what is wrong: size, magic,
     *                                  checksum (with both values), extension version
     */
    public static Contents read(MemorySegment area, String where) {
        if (area.byteSize() < AREA_LENGTH) {
            throw new IllegalArgumentException(where + ": truncated: " + area.byteSize() + " bytes, the kinfo records need " + AREA_LENGTH);
        }
        int magic = area.get(U32, MAGIC_NUMBER);
        if (magic != MAGIC) {
            throw new IllegalArgumentException(where + ": magic_number is 0x" + Integer.toHexString(magic) + ", not 0xcceeddff");
        }
        int stored = area.get(U32, COMBINED_CHECKSUM);
        int computed = infoChecksum(area);
        if (stored != computed) {
            throw new IllegalArgumentException(where + ": combined_checksum is 0x" + Integer.toHexString(stored) + " but the record sums to 0x"
                    + Integer.toHexString(computed) + ": it was torn or corrupted");
        }
        int extMagic = area.get(U32, EXT_MAGIC_FIELD);
        if (extMagic != EXT_MAGIC) {
            throw new IllegalArgumentException(where + ": the JVM extension's magic is 0x" + Integer.toHexString(extMagic) + ", not 0x"
                    + Integer.toHexString(EXT_MAGIC));
        }
        int version = area.get(U32, EXT_VERSION_FIELD);
        if (version != EXT_VERSION || area.get(U32, EXT_LENGTH_FIELD) != EXT_LENGTH) {
            throw new IllegalArgumentException(where + ": the JVM extension's version " + version + " / length "
                    + area.get(U32, EXT_LENGTH_FIELD) + " is not " + EXT_VERSION + " / " + EXT_LENGTH);
        }
        int extStored = area.get(U32, EXT_CHECKSUM);
        int extComputed = extensionChecksum(area);
        if (extStored != extComputed) {
            throw new IllegalArgumentException(where + ": the JVM extension's checksum is 0x" + Integer.toHexString(extStored)
                    + " but it sums to 0x" + Integer.toHexString(extComputed) + ": it was torn or corrupted");
        }
        return new Contents(string(area, LAST_UTS_RELEASE, UTS_RELEASE_LEN), string(area, BUILD_INFO, BUILD_INFO_LEN),
                area.get(U32, THREAD_SIZE), area.get(U16, BIT_PER_LONG), pointer(area, EXT_LOG), pointer(area, EXT_ELF),
                pointer(area, EXT_VMCOREINFO), pointer(area, EXT_BUNDLES));
    }

    private static Pointer pointer(MemorySegment area, long field) {
        return new Pointer(area.get(U64, field), area.get(U64, field + 8));
    }

    private static String string(MemorySegment area, long field, int length) {
        return CString.read(area, field, length, StandardCharsets.UTF_8);
    }
}
