package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;

import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;

/**
 * The minidump table of an smem file, checked as the kernel's reader checks a subsystem before it
 * collects anything: {@code regions_baseptr != 0}, {@code status == 1},
 * {@code enabled == SS_ENABLED}, {@code encryption_status == SS_ENCR_DONE}. The region array is
 * found where {@code regions_baseptr} points, turned into a file offset with the file's
 * {@code base_address}.
 *
 * @param table       the table; when it is not dumpable, the one at the file's standard offset, for display
 * @param notDumpable why the reader would skip this table, or {@code null}
 */
record SmemTable(MinidumpTable table, String notDumpable) {
    /** MinidumpTable reads its 64-bit fields aligned. */
    private static final long REGION_ARRAY_ALIGNMENT = 8;

    /** @throws Failure when the file is not a kmemdump smem file at all */
    static SmemTable read(MemorySegment file, String where) throws Failure {
        try {
            SmemFile.check(file, where);
        } catch (IllegalArgumentException e) {
            throw Failure.input(e.getMessage());
        }
        MinidumpTable standard = SmemFile.table(file);
        String problem = readerProblem(standard, where);
        if (problem != null) {
            return new SmemTable(standard, problem);
        }
        long base = SmemFile.baseAddress(file);
        long baseptr = standard.apssRegionsBaseptr();
        long offset = baseptr - base;
        long lastPossible = file.byteSize() - MinidumpTable.REGION_ARRAY_SIZE;
        if (Long.compareUnsigned(baseptr, base) < 0 || Long.compareUnsigned(offset, lastPossible) > 0
                || offset % REGION_ARRAY_ALIGNMENT != 0) {
            return new SmemTable(standard, where + ": apss regions_baseptr " + Sizes.hex(baseptr)
                    + " does not point at a region array inside the file (base_address " + Sizes.hex(base) + ", "
                    + file.byteSize() + " bytes)");
        }
        return new SmemTable(new MinidumpTable(file.asSlice(SmemFile.TOC_OFFSET, MinidumpTable.TOC_SIZE),
                file.asSlice(offset, MinidumpTable.REGION_ARRAY_SIZE)), null);
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
