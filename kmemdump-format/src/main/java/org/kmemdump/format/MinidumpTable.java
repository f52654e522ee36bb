package org.kmemdump.format;

import static org.kmemdump.format.LittleEndian.U32;
import static org.kmemdump.format.LittleEndian.U32_ORDERED;
import static org.kmemdump.format.LittleEndian.U64;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The Qualcomm minidump table, byte for byte as the kernel's qcom-minidump backend and the
 * remoteproc reader lay it out (little-endian, natural alignment): the global table of contents
 * (SMEM item 602) with ten subsystem entries, and the application subsystem's array of 201 region
 * descriptors.
 *
 * <pre>
 * region    (40): char name[16]; u32 seq_num; u32 valid; u64 address; u64 size;
 * subsystem (32): u32 status, enabled, encryption_status, encryption_required, region_count;
 *                 (4 bytes padding) u64 regions_baseptr;
 * global_toc(336): u32 status, revision, enabled; (4 bytes padding) subsystem subsystems[10];
 * </pre>
 *
 * <p>A view over two segments: the table of contents and the region array. Writes keep the table
 * readable at every instant (a reader may look at any moment, including after the writer was
 * killed between two stores): see {@link #append} and {@link #remove}.
 */
public final class MinidumpTable {
    public static final int SMEM_ITEM = 602;
    /**
     * The kernel's qcom backend sizes the application subsystem's region array by its zone table
     * ({@code MAX_NUM_REGIONS = MAX_ZONES}), so every zone has room for a region.
     */
    public static final int MAX_REGIONS = KnownZones.MAX_ZONES;
    public static final int MAX_SUBSYSTEMS = 10;
    public static final int MAX_NAME_LENGTH = 16;
    public static final int SUBSYSTEM_APSS = 0;

    public static final int REGION_VALID = 'V' << 24 | 'A' << 16 | 'L' << 8 | 'I';
    public static final int SS_ENCR_DONE = 'D' << 24 | 'O' << 16 | 'N' << 8 | 'E';
    public static final int SS_ENABLED = 'E' << 24 | 'N' << 16 | 'B' << 8 | 'L';
    public static final int SS_ENCR_NOTREQ = 'N' << 8 | 'R';
    /** The subsystem {@code status} the reader requires. */
    public static final int SS_STATUS_READY = 1;

    // struct minidump_region
    public static final int REGION_SIZE = 40;
    public static final long REGION_NAME = 0;
    public static final long REGION_SEQ_NUM = 16;
    public static final long REGION_VALID_FIELD = 20;
    public static final long REGION_ADDRESS = 24;
    public static final long REGION_LENGTH = 32;

    // struct minidump_subsystem
    public static final int SUBSYSTEM_SIZE = 32;
    public static final long SS_STATUS = 0;
    public static final long SS_ENABLED_FIELD = 4;
    public static final long SS_ENCRYPTION_STATUS = 8;
    public static final long SS_ENCRYPTION_REQUIRED = 12;
    public static final long SS_REGION_COUNT = 16;
    public static final long SS_REGIONS_BASEPTR = 24;

    // struct minidump_global_toc
    public static final int TOC_SIZE = 336;
    public static final long TOC_STATUS = 0;
    public static final long TOC_REVISION = 4;
    public static final long TOC_ENABLED = 8;
    public static final long TOC_SUBSYSTEMS = 16;

    public static final long REGION_ARRAY_SIZE = (long) MAX_REGIONS * REGION_SIZE;

    /**
     * A region's {@code char name[16]} as the two little-endian u64 words that store it: NUL-padded,
     * 15 bytes at most, a character outside US-ASCII stored as {@code '?'} (as the US-ASCII charset
     * encodes it). Made once per name, so a writer that registers the same name again (a backend
     * swap replays every zone) neither encodes nor copies it again.
     */
    public record RegionName(long low, long high) {
        /** @throws IllegalArgumentException if the name is null or does not fit the field with its NUL */
        public static RegionName of(String name) {
            if (name == null) {
                throw new IllegalArgumentException("region name is null");
            }
            int length = name.length();
            if (length >= MAX_NAME_LENGTH) {
                throw new IllegalArgumentException("region name '" + name + "' is longer than " + (MAX_NAME_LENGTH - 1) + " bytes");
            }
            long low = 0;
            long high = 0;
            for (int i = 0; i < length; i++) {
                char c = name.charAt(i);
                long ascii = c < 0x80 ? c : '?';
                if (i < Long.BYTES) {
                    low |= ascii << i * Byte.SIZE;
                } else {
                    high |= ascii << (i - Long.BYTES) * Byte.SIZE;
                }
            }
            return new RegionName(low, high);
        }
    }

    /** A region descriptor as read, unchecked. */
    public record Region(int index, String name, int seqNum, int valid, long address, long size) {
        public boolean isValid() {
            return valid == REGION_VALID;
        }
    }

    private final MemorySegment toc;
    private final MemorySegment regions;

    /**
     * @param toc     the global table of contents, {@value #TOC_SIZE} bytes, 8-byte aligned
     * @param regions the application subsystem's region array, {@link #REGION_ARRAY_SIZE} bytes
     */
    public MinidumpTable(MemorySegment toc, MemorySegment regions) {
        if (toc.byteSize() < TOC_SIZE || regions.byteSize() < REGION_ARRAY_SIZE) {
            throw new IllegalArgumentException("a minidump table needs " + TOC_SIZE + " + " + REGION_ARRAY_SIZE
                    + " bytes, got " + toc.byteSize() + " + " + regions.byteSize());
        }
        this.toc = toc.asSlice(0, TOC_SIZE);
        this.regions = regions.asSlice(0, REGION_ARRAY_SIZE);
    }

    private static long subsystem(int index) {
        return TOC_SUBSYSTEMS + (long) index * SUBSYSTEM_SIZE;
    }

    private static long apss(long field) {
        return subsystem(SUBSYSTEM_APSS) + field;
    }

    private static long region(int index, long field) {
        return (long) index * REGION_SIZE + field;
    }

    // ---- the table of contents: the bootloader's part ----

    /** Initializes the global table of contents, as the bootloader does before the kernel runs. */
    public void initializeToc() {
        toc.fill((byte) 0);
        toc.set(U32, TOC_REVISION, 1);
        toc.set(U32, TOC_ENABLED, SS_ENABLED);
        U32_ORDERED.setRelease(toc, TOC_STATUS, 1);
    }

    /** @return whether the table of contents was initialized (kernel: "minidump table is not initialized") */
    public boolean tocInitialized() {
        return toc.get(U32, TOC_STATUS) != 0;
    }

    // ---- the application subsystem: the backend's part ----

    /**
     * Fills the application subsystem's entry with an empty region array at {@code regionsBaseptr},
     * as the kernel backend does at probe. The entry is marked ready last.
     */
    public void enableApss(long regionsBaseptr) {
        U32_ORDERED.setRelease(toc, apss(SS_STATUS), 0);
        regions.fill((byte) 0);
        toc.set(U32, apss(SS_REGION_COUNT), 0);
        toc.set(U64, apss(SS_REGIONS_BASEPTR), regionsBaseptr);
        toc.set(U32, apss(SS_ENCRYPTION_STATUS), SS_ENCR_DONE);
        toc.set(U32, apss(SS_ENCRYPTION_REQUIRED), SS_ENCR_NOTREQ);
        toc.set(U32, apss(SS_ENABLED_FIELD), SS_ENABLED);
        U32_ORDERED.setRelease(toc, apss(SS_STATUS), SS_STATUS_READY);
    }

    /** Marks the application subsystem as no longer dumpable; a reader then finds no regions. */
    public void disableApss() {
        U32_ORDERED.setRelease(toc, apss(SS_STATUS), 0);
        U32_ORDERED.setRelease(toc, apss(SS_ENABLED_FIELD), 0);
    }

    public int apssStatus() {
        return (int) U32_ORDERED.getAcquire(toc, apss(SS_STATUS));
    }

    public int apssEnabled() {
        return toc.get(U32, apss(SS_ENABLED_FIELD));
    }

    public int apssEncryptionStatus() {
        return toc.get(U32, apss(SS_ENCRYPTION_STATUS));
    }

    public long apssRegionsBaseptr() {
        return toc.get(U64, apss(SS_REGIONS_BASEPTR));
    }

    /** @return {@code region_count} as stored, a u32 in an int: a reader must clamp it to {@link #MAX_REGIONS} */
    public int regionCount() {
        return (int) U32_ORDERED.getAcquire(toc, apss(SS_REGION_COUNT));
    }

    /**
     * @return {@code region_count} read as the u32 it is and clamped to {@link #MAX_REGIONS}: a
     *         count of 2^31 or more is 201, not 0
     */
    private int clampedRegionCount() {
        return (int) Math.min(Integer.toUnsignedLong(regionCount()), MAX_REGIONS);
    }

    /**
     * @return the index of the valid region with this {@code seq_num}, or -1. Searched from the
     *         last region: a writer keeps seq_nums unique, and one that removes its regions newest
     *         first (as the registry does when it leaves a backend) then finds each at once
     */
    public int find(int seqNum) {
        for (int i = clampedRegionCount() - 1; i >= 0; i--) {
            if (regions.get(U32, region(i, REGION_SEQ_NUM)) == seqNum && regions.get(U32, region(i, REGION_VALID_FIELD)) == REGION_VALID) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Appends a region. The descriptor is written whole while its {@code valid} word is still 0,
     * then marked valid, then counted: a reader sees either no region or a complete one.
     *
     * @param size already rounded up to 4, as the kernel stores it
     */
    public void append(String name, int seqNum, long address, long size) {
        append(RegionName.of(name), seqNum, address, size);
    }

    /** {@link #append(String, int, long, long)} with the name made already. */
    public void append(RegionName name, int seqNum, long address, long size) {
        if (name == null) {
            throw new IllegalArgumentException("region name is null");
        }
        int index = regionCount();
        if (Integer.toUnsignedLong(index) >= MAX_REGIONS) {
            throw new IllegalStateException("the minidump table is full: region_count is " + Integer.toUnsignedString(index)
                    + ", the table has " + MAX_REGIONS + " regions");
        }
        writeDescriptor(index, name, seqNum, address, size);
        U32_ORDERED.setRelease(regions, region(index, REGION_VALID_FIELD), REGION_VALID);
        U32_ORDERED.setRelease(toc, apss(SS_REGION_COUNT), index + 1);
    }

    /**
     * Removes region {@code index}, moving the tail down one and zeroing the last entry, as the
     * kernel does, in an order that keeps every remaining region valid in at least one slot at
     * every instant: each moved descriptor is written while its new slot is invalid, marked valid,
     * and only then is its old slot invalidated. A reader may briefly see one region in two slots
     * (same {@code seq_num}, same contents); it must keep one.
     */
    public void remove(int index) {
        int count = regionCount();
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("region " + index + " of " + count);
        }
        U32_ORDERED.setRelease(regions, region(index, REGION_VALID_FIELD), 0);
        for (int to = index; to < count - 1; to++) {
            int from = to + 1;
            MemorySegment.copy(regions, region(from, 0), regions, region(to, 0), REGION_VALID_FIELD);
            MemorySegment.copy(regions, region(from, REGION_ADDRESS), regions, region(to, REGION_ADDRESS), REGION_SIZE - REGION_ADDRESS);
            U32_ORDERED.setRelease(regions, region(to, REGION_VALID_FIELD), REGION_VALID);
            U32_ORDERED.setRelease(regions, region(from, REGION_VALID_FIELD), 0);
        }
        U32_ORDERED.setRelease(toc, apss(SS_REGION_COUNT), count - 1);
        regions.asSlice(region(count - 1, 0), REGION_SIZE).fill((byte) 0);
    }

    /**
     * Removes every region whose {@code seq_num} {@code removed} accepts, leaving the table as
     * {@link #remove} of each would, in one pass: each region kept moves at most once, under the
     * same rule (written while its new slot is invalid, marked valid, then its old slot
     * invalidated), so every remaining region is valid in at least one slot at every instant.
     */
    public void removeAll(IntPredicate removed) {
        int count = regionCount();
        int kept = 0;
        for (int index = 0; index < count; index++) {
            if (removed.test(regions.get(U32, region(index, REGION_SEQ_NUM)))) {
                U32_ORDERED.setRelease(regions, region(index, REGION_VALID_FIELD), 0);
            } else {
                if (kept < index) {
                    MemorySegment.copy(regions, region(index, 0), regions, region(kept, 0), REGION_VALID_FIELD);
                    MemorySegment.copy(regions, region(index, REGION_ADDRESS), regions, region(kept, REGION_ADDRESS),
                            REGION_SIZE - REGION_ADDRESS);
                    U32_ORDERED.setRelease(regions, region(kept, REGION_VALID_FIELD), REGION_VALID);
                    U32_ORDERED.setRelease(regions, region(index, REGION_VALID_FIELD), 0);
                }
                kept++;
            }
        }
        U32_ORDERED.setRelease(toc, apss(SS_REGION_COUNT), kept);
        if (kept < count) {
            regions.asSlice(region(kept, 0), (long) (count - kept) * REGION_SIZE).fill((byte) 0);
        }
    }

    private void writeDescriptor(int index, RegionName name, int seqNum, long address, long size) {
        regions.set(U64, region(index, REGION_NAME), name.low());
        regions.set(U64, region(index, REGION_NAME) + Long.BYTES, name.high());
        regions.set(U32, region(index, REGION_SEQ_NUM), seqNum);
        regions.set(U64, region(index, REGION_ADDRESS), address);
        regions.set(U64, region(index, REGION_LENGTH), size);
    }

    // ---- reading ----

    /** @return descriptor {@code index}, as stored (check {@link Region#isValid()}) */
    public Region region(int index) {
        MemorySegment descriptor = regions.asSlice(region(index, 0), REGION_SIZE);
        int valid = (int) U32_ORDERED.getAcquire(regions, region(index, REGION_VALID_FIELD));
        return new Region(index, CString.read(descriptor, REGION_NAME, MAX_NAME_LENGTH, StandardCharsets.ISO_8859_1),
                descriptor.get(U32, REGION_SEQ_NUM), valid, descriptor.get(U64, REGION_ADDRESS),
                descriptor.get(U64, REGION_LENGTH));
    }

    /**
     * @return the valid regions among the first {@code region_count} (clamped to
     *         {@link #MAX_REGIONS}), one per {@code seq_num}: what the firmware would collect
     */
    public List<Region> validRegions() {
        int count = clampedRegionCount();
        List<Region> found = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Region region = region(i);
            if (region.isValid() && found.stream().noneMatch(r -> r.seqNum() == region.seqNum())) {
                found.add(region);
            }
        }
        return found;
    }

    /** @return a human-readable dump of the table, for logs and {@code inspect} */
    public String describe() {
        StringBuilder text = new StringBuilder()
                .append(String.format("global toc: status=%d revision=%d enabled=0x%08x%n", toc.get(U32, TOC_STATUS),
                        toc.get(U32, TOC_REVISION), toc.get(U32, TOC_ENABLED)))
                .append(String.format("apss: status=%d enabled=0x%08x encryption=0x%08x/0x%08x regions=%d baseptr=0x%x%n",
                        apssStatus(), apssEnabled(), apssEncryptionStatus(), toc.get(U32, apss(SS_ENCRYPTION_REQUIRED)),
                        Integer.toUnsignedLong(regionCount()), apssRegionsBaseptr()));
        int count = clampedRegionCount();
        for (int i = 0; i < count; i++) {
            Region r = region(i);
            text.append(String.format("  [%3d] %-15s seq=%-3d %s 0x%016x %d%n", i, r.name(), r.seqNum(),
                    r.isValid() ? "VALID" : "-----", r.address(), r.size()));
        }
        return text.toString();
    }
}
