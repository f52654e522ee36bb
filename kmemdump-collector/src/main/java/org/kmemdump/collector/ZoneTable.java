package org.kmemdump.collector;

import java.io.PrintStream;
import java.util.List;

/** The region table that collect and inspect print: one row per region, in ascending id order. */
final class ZoneTable {
    /** The source column is as wide as its widest entry, at least {@value #SOURCE_WIDTH}: {@code arena (directory)} is wider. */
    private static final String FORMAT = "%%5s  %%-16s %%-18s %%14s  %%-%ds  %%s%%n";
    private static final int SOURCE_WIDTH = 7;
    private static final char UNPRINTABLE = '?';

    private ZoneTable() {
    }

    static void print(List<ZoneResult> results, PrintStream out) {
        if (results.isEmpty()) {
            out.println("  (no valid regions)");
            return;
        }
        int width = Math.max(SOURCE_WIDTH, results.stream().mapToInt(result -> result.source().length()).max().orElse(0));
        String format = String.format(FORMAT, width);
        out.printf(format, "id", "name", "address", "size", "source", "outcome");
        for (ZoneResult result : results) {
            out.printf(format, Integer.toUnsignedString(result.zone().id()), printable(result.zone().name()),
                    String.format("0x%016x", result.zone().address()), Long.toUnsignedString(result.zone().size()),
                    result.source(), printable(result.outcome().text()));
        }
    }

    /** @return the text with anything but printable ASCII replaced: names come from an untrusted table and go to terminals */
    static String printable(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            clean.append(c >= ' ' && c < 0x7f ? c : UNPRINTABLE);
        }
        return clean.toString();
    }

    /** Prints each note as a {@code note:} line, printable. */
    static void printNotes(List<String> notes, PrintStream out) {
        for (String note : notes) {
            out.println("note: " + printable(note));
        }
    }

    /** @return how many results are not ok */
    static long incomplete(List<ZoneResult> results) {
        return results.stream().filter(result -> !result.outcome().ok()).count();
    }
}
