package org.kmemdump.collector;

/** The collector's exit codes. Scripts branch on them: a code never changes its meaning. */
final class ExitCode {
    /**
     * Every region was collected. {@code log}: the records were printed, the ring found through the
     * kinfo record or, when it names none (no file, a file never written, a record that points at
     * no ring), through the zone directory.
     */
    static final int OK = 0;
    /**
     * The command finished, but some regions were lost or refused (each is reported), or the smem
     * file was corrupt and ignored (the arena's zone directory stood in, and what only the table
     * held is gone), or entries of the zone directory were not used (each is noted). {@code inspect}:
     * also a kinfo record that is not valid or points outside the arena. {@code log}: the kinfo
     * record is not valid or its log pointer is unusable (said on stderr), and zone 7 of the zone
     * directory stood in.
     */
    static final int INCOMPLETE = 1;
    /** The command line is wrong. */
    static final int USAGE = 2;
    /**
     * The dump directory cannot be used: the arena missing or corrupt, or nothing to collect (no
     * dumpable minidump table, and no usable zone directory in the arena or its owner shut down
     * cleanly). {@code log}: no log ring, neither through the kinfo record nor through the zone
     * directory, or a ring whose head is impossible.
     */
    static final int BAD_INPUT = 3;
    /** An output file could not be written; {@code log}: standard output was closed. */
    static final int OUTPUT_FAILED = 4;

    private ExitCode() {
    }
}
