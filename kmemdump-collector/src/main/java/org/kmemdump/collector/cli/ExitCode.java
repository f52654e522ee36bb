package org.kmemdump.collector.cli;

import org.kmemdump.collector.Failure;

/**
 * The collector's exit codes, defined here once: {@code --help} prints this list and a test holds
 * README.md's table to it. Scripts branch on them: a code never changes its meaning. Declared in
 * code order, so a code is its ordinal (the README test would catch a reordering).
 */
public enum ExitCode {
    OK("every region collected, a sensitive one listed but its bytes left out unless --include-sensitive (inspect: every"
            + " region readable or sensitive; log: the records printed, the ring found through kinfo or,"
            + " when kinfo names none (no file, one never written, a record pointing at no ring), the zone directory; threads: the"
            + " newest whole snapshot printed; components: the newest snapshot printed)"),
    INCOMPLETE("done, but some regions were lost or refused, a corrupt smem was ignored (the arena's zone directory used"
            + " instead), or zone directory entries were not used (see the notes); inspect: also a kinfo record that is invalid"
            + " or points outside the arena; log: the kinfo record is invalid or its log pointer unusable (said on stderr), and"
            + " the zone directory's zone 7 stood in; inspect of a core: a zone it does not hold (lost, withheld, no PT_LOAD)"),
    USAGE("usage error (the message names the argument)"),
    BAD_INPUT("input invalid: the arena missing or corrupt, whatever the minidump table holds (only the arena header says"
            + " who owns the regions and where their bytes are), or nothing to collect (no dumpable minidump table and no usable"
            + " zone directory, or the owner shut down cleanly); log: no log ring (neither kinfo nor the zone directory names a"
            + " valid one), or one whose head is impossible; threads: no zone 8 in the zone directory, not a threads zone, or no"
            + " whole snapshot in it; components: no zone 9, no whole snapshot in it, or text not of its line syntax; a core:"
            + " not an ELF64 core, no VMCOREINFO note, a program header or note that does not fit the file, or the zone needed"
            + " not in it"),
    OUTPUT_FAILED("an output file could not be written (log, threads, components: standard output was closed)");

    private static final int HELP_WIDTH = 90;
    private static final String CONTINUATION = "     ";

    private final String meaning;

    ExitCode(String meaning) {
        this.meaning = meaning;
    }

    /** @return the process exit status */
    public int code() {
        return ordinal();
    }

    public String meaning() {
        return meaning;
    }

    /** @return the code a library failure ends the command with */
    static ExitCode of(Failure.Kind kind) {
        return switch (kind) {
            case ARGUMENT -> USAGE;
            case INPUT -> BAD_INPUT;
            case OUTPUT -> OUTPUT_FAILED;
        };
    }

    /** @return the {@code --help} section: each code and its meaning, wrapped */
    static String help() {
        StringBuilder text = new StringBuilder("Exit codes:\n");
        for (ExitCode exit : values()) {
            StringBuilder line = new StringBuilder("  " + exit.code() + "  ");
            for (String word : exit.meaning.split(" ")) {
                if (!line.toString().endsWith("  ")) {
                    if (line.length() + 1 + word.length() > HELP_WIDTH) {
                        text.append(line).append('\n');
                        line = new StringBuilder(CONTINUATION);
                    } else {
                        line.append(' ');
                    }
                }
                line.append(word);
            }
            text.append(line).append('\n');
        }
        return text.toString();
    }
}
