package org.kmemdump.collector;

/** The collector's exit codes. Scripts branch on them: a code never changes its meaning. */
final class ExitCode {
    /** Every region was collected. */
    static final int OK = 0;
    /**
     * The command finished, but some regions were lost or refused (each is reported), or the smem
     * file was corrupt and ignored (the arena's zone directory stood in, and what only the table
     * held is gone), or entries of the zone directory were not used (each is noted).
     */
    static final int INCOMPLETE = 1;
    /** The command line is wrong. */
    static final int USAGE = 2;
    /**
     * The dump directory cannot be used: the arena missing or corrupt, or nothing to collect (no
     * dumpable minidump table, and no usable zone directory in the arena or its owner shut down
     * cleanly).
     */
    static final int BAD_INPUT = 3;
    /** An output file could not be written. */
    static final int OUTPUT_FAILED = 4;

    private ExitCode() {
    }
}
