package org.kmemdump.collector;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The region rows of a collect or inspect report, parsed as a script would. */
final class ReportRows {
    /**
     * One row: {@code id name 0x%016x size source outcome}, the source one word ({@code arena},
     * {@code process}, {@code -}) or one word and {@code (directory)}. Scripts parse exactly this.
     */
    static final Pattern ROW = Pattern.compile("^\\s+(\\d+)\\s+(\\S+)\\s+0x([0-9a-f]{16})\\s+(\\d+)\\s+(\\S+(?: \\(directory\\))?)\\s+(.+)$");

    record Row(int id, String name, long address, long size, String source, String outcome) {
        boolean onlyInDirectory() {
            return source.endsWith(PlannedZone.DIRECTORY_MARK);
        }
    }

    private ReportRows() {
    }

    static List<Row> of(String out) {
        return out.lines().map(ROW::matcher).filter(Matcher::matches).map(row -> new Row(Integer.parseUnsignedInt(row.group(1)), row.group(2),
                Long.parseUnsignedLong(row.group(3), 16), Long.parseUnsignedLong(row.group(4)), row.group(5), row.group(6))).toList();
    }

    /** @return how many rows have this source and outcome */
    static long count(String out, String source, String outcome) {
        return of(out).stream().filter(row -> row.source().equals(source) && row.outcome().equals(outcome)).count();
    }
}
