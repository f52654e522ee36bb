package org.kmemdump.collector;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;

import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;

/**
 * The minidump table of an smem file, checked as the kernel's reader checks a subsystem before it
 * collects anything: {@code regions_baseptr != 0}, {@code status == 1},
 * {@code enabled == SS_ENABLED}, {@code encryption_status == SS_ENCR_DONE}. The region array is
 * found where {@code regions_baseptr} points, turned into a file offset with the file's
 * {@code base_address}.
 *
 * <p>A table that is not dumpable is either {@link State#DISABLED} on purpose (never set up, or
 * disabled by a backend that stopped or was swapped away: {@code status} 0) or
 * {@link State#CORRUPT}: values no backend writes. The collector falls back on the arena's zone
 * directory in both cases, but only a corrupt one counts as something refused.
 *
 * @param table   the table; when it is not dumpable, the one at the file's standard offset, for
 *                display; {@code null} when the file is missing or not a kmemdump smem file at all
 * @param state   what the reader makes of it
 * @param problem why the reader would skip this table, or {@code null} when it is dumpable
 */
record SmemTable(MinidumpTable table, State state, String problem) {
    enum State {
        DUMPABLE("dumpable"), MISSING("not found"), DISABLED("not dumpable"), CORRUPT("corrupt");

        final String text;

        State(String text) {
            this.text = text;
        }
    }

    /** MinidumpTable reads its 64-bit fields aligned. */
    private static final long REGION_ARRAY_ALIGNMENT = 8;

    boolean dumpable() {
        return state == State.DUMPABLE;
    }

    /**
     * The table is read here and nowhere else: its region descriptors become the collector's
     * zones.
     *
     * @return what the firmware would collect: the valid regions (one per {@code seq_num}) in
     *         ascending id order, the coreimage order; none when the table is not dumpable
     */
    List<Zone> zones() {
        if (!dumpable()) {
            return List.of();
        }
        return table.validRegions().stream()
                .map(region -> new Zone(region.seqNum(), region.name(), region.address(), region.size(), Zone.ListedBy.TABLE))
                .sorted(Comparator.comparing(Zone::id, Integer::compareUnsigned))
                .toList();
    }

    /** Never throws: a missing, unreadable or corrupt file is a state, mapped with {@code mappings} when it can be. */
    static SmemTable open(Path path, Arena mappings) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return new SmemTable(null, State.MISSING, path + ": missing");
        }
        // a FIFO or device would block or never end: only plain files are read
        if (!Files.isRegularFile(path)) {
            return new SmemTable(null, State.CORRUPT, path + ": not a regular file");
        }
        MemorySegment file;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mappings);
        } catch (IOException e) {
            return new SmemTable(null, State.CORRUPT, path + ": cannot read: " + IoMessages.of(e));
        }
        return read(file, path.toString());
    }

    static SmemTable read(MemorySegment file, String where) {
        try {
            SmemFile.check(file, where);
        } catch (IllegalArgumentException e) {
            return new SmemTable(null, State.CORRUPT, e.getMessage());
        }
        MinidumpTable standard = SmemFile.table(file);
        String problem = readerProblem(standard, where);
        if (problem != null) {
            return new SmemTable(standard, disabled(standard) ? State.DISABLED : State.CORRUPT, problem);
        }
        long base = SmemFile.baseAddress(file);
        long baseptr = standard.apssRegionsBaseptr();
        long offset = baseptr - base;
        long lastPossible = file.byteSize() - MinidumpTable.REGION_ARRAY_SIZE;
        if (Long.compareUnsigned(baseptr, base) < 0 || Long.compareUnsigned(offset, lastPossible) > 0
                || offset % REGION_ARRAY_ALIGNMENT != 0) {
            return new SmemTable(standard, State.CORRUPT, where + ": apss regions_baseptr " + Sizes.hex(baseptr)
                    + " does not point at a region array inside the file (base_address " + Sizes.hex(base) + ", "
                    + file.byteSize() + " bytes)");
        }
        return new SmemTable(new MinidumpTable(file.asSlice(SmemFile.TOC_OFFSET, MinidumpTable.TOC_SIZE),
                file.asSlice(offset, MinidumpTable.REGION_ARRAY_SIZE)), State.DUMPABLE, null);
    }

    /**
     * What the backends write when the application subsystem is not (or no longer) dumpable:
     * {@code status} 0 first, {@code enabled} 0 on disable, or {@code SS_ENABLED} still when the
     * writer was killed between the two stores or in the middle of enabling.
     */
    private static boolean disabled(MinidumpTable table) {
        int enabled = table.apssEnabled();
        return table.apssStatus() == 0 && (enabled == 0 || enabled == MinidumpTable.SS_ENABLED);
    }

    private static String readerProblem(MinidumpTable table, String where) {
        if (table.apssRegionsBaseptr() == 0) {
            return where + ": apss regions_baseptr is 0: no backend has set up the region array";
        }
        if (table.apssStatus() != MinidumpTable.SS_STATUS_READY) {
            return where + ": apss status is " + table.apssStatus() + ", the reader requires " + MinidumpTable.SS_STATUS_READY;
        }
        if (table.apssEnabled() != MinidumpTable.SS_ENABLED) {
            return where + ": apss enabled is " + Sizes.hex(Integer.toUnsignedLong(table.apssEnabled()))
                    + ", the reader requires SS_ENABLED " + Sizes.hex(MinidumpTable.SS_ENABLED);
        }
        if (table.apssEncryptionStatus() != MinidumpTable.SS_ENCR_DONE) {
            return where + ": apss encryption_status is " + Sizes.hex(Integer.toUnsignedLong(table.apssEncryptionStatus()))
                    + ", the reader requires SS_ENCR_DONE " + Sizes.hex(MinidumpTable.SS_ENCR_DONE);
        }
        return null;
    }
}
