package org.kmemdump.collector;

/** The collector's exit codes. Scripts branch on them: a code never changes its meaning. */
final class ExitCode {
    /** Every region was collected. */
    static final int OK = 0;
    /** The command finished, but some regions were lost or refused (each is reported). */
    static final int INCOMPLETE = 1;
    /** The command line is wrong. */
    static final int USAGE = 2;
    /** The dump directory cannot be used: smem or arena missing, corrupt, or the table not dumpable. */
    static final int BAD_INPUT = 3;
    /** An output file could not be written. */
    static final int OUTPUT_FAILED = 4;

    private ExitCode() {
    }
}
