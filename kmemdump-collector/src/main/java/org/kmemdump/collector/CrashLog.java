package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.LogRing;

/**
 * The last records of a run's log ring as lines, for its crash summary and announcement, read by
 * the {@link LogReader} the collector's {@code log} command uses: only records the ring vouches for.
 *
 * @param newest         up to the number asked for of the newest records, oldest first, one line each
 * @param lastWarnOrError the newest WARN or ERROR record's line, or null when the ring holds none: the
 *                       newest record is often a framework's DEBUG event, which says nothing of the end
 */
record CrashLog(List<String> newest, String lastWarnOrError) {
    /** Reads the newest {@code count} records; the whole ring only when none of them is a WARN or ERROR. */
    static CrashLog read(DumpInput input, OwnerProcess owner, int count) throws Failure {
        LogRingLocation location = LogRingLocation.find(input, KinfoFile.read(input.directory(), owner.memoryReadable()));
        List<LogRing.Entry> newest = LogReader.last(input, location, count).entries();
        LogRing.Entry warnOrError = lastWarnOrError(newest);
        if (warnOrError == null && !newest.isEmpty()) {
            warnOrError = lastWarnOrError(LogReader.walk(location, input).entries());
        }
        List<String> lines = new ArrayList<>();
        newest.forEach(entry -> lines.add(line(entry)));
        return new CrashLog(lines, warnOrError == null ? null : line(warnOrError));
    }

    private static LogRing.Entry lastWarnOrError(List<LogRing.Entry> entries) {
        for (LogRing.Entry entry : entries.reversed()) {
            if (entry.level() == LogRing.Level.WARN || entry.level() == LogRing.Level.ERROR) {
                return entry;
            }
        }
        return null;
    }

    /** @return when, level, bundle, message; an exception adds its line */
    private static String line(LogRing.Entry entry) {
        return CrashFacts.time(entry.time()) + " " + entry.level() + " " + (entry.bundle().isEmpty() ? "-" : entry.bundle()) + " "
                + TerminalText.clean(entry.message()) + (entry.exception().isEmpty() ? "" : " / " + TerminalText.clean(entry.thrown()));
    }
}
