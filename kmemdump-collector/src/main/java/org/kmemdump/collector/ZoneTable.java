package org.kmemdump.collector;

import java.util.List;

/** The zone table of the text reports: one row per zone, in ascending id order. */
final class ZoneTable {
    /** The source column is as wide as its widest entry, at least {@value #SOURCE_WIDTH}: {@code arena (directory)} is wider. */
    private static final String FORMAT = "%%5s  %%-16s %%-18s %%14s  %%-%ds  %%s\n";
    private static final int SOURCE_WIDTH = 7;

    private ZoneTable() {
    }

    static void render(List<ZoneResult> results, StringBuilder text) {
        if (results.isEmpty()) {
            text.append("  (no valid regions)\n");
            return;
        }
        int width = Math.max(SOURCE_WIDTH, results.stream().mapToInt(result -> result.source().length()).max().orElse(0));
        String format = String.format(FORMAT, width);
        text.append(String.format(format, "id", "name", "address", "size", "source", "outcome"));
        for (ZoneResult result : results) {
            text.append(String.format(format, result.zone().idText(), TerminalText.clean(result.zone().name()),
                    String.format("0x%016x", result.zone().address()), Long.toUnsignedString(result.zone().size()),
                    result.source(), TerminalText.clean(result.outcome().text())));
        }
    }

    /** Each note as a {@code note:} line, {@link TerminalText#clean cleaned}. */
    static void renderNotes(List<String> notes, StringBuilder text) {
        for (String note : notes) {
            text.append("note: ").append(TerminalText.clean(note)).append('\n');
        }
    }
}
