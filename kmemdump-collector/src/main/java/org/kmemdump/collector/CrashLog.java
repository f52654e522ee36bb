package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.LogRing;

/**
 * The last records of a run's log ring as lines, for its crash summary and announcement, read by
 * the {@link LogReader} the collector's {@code log} command uses: only records the ring vouches for.
 */
final class CrashLog {
    private CrashLog() {
    }

    /** @return up to {@code count} newest records, oldest first, one line each; an exception adds its line */
    static List<String> last(DumpInput input, OwnerProcess owner, int count) throws Failure {
        LogRingLocation location = LogRingLocation.find(input, KinfoFile.read(input.directory(), owner.memoryReadable()));
        List<String> lines = new ArrayList<>();
        for (LogRing.Entry entry : LogReader.last(input, location, count).entries()) {
            lines.add(CrashFacts.time(entry.time()) + " " + entry.level() + " " + (entry.bundle().isEmpty() ? "-" : entry.bundle()) + " "
                    + TerminalText.clean(entry.message()) + (entry.exception().isEmpty() ? "" : " / " + TerminalText.clean(entry.thrown())));
        }
        return lines;
    }
}
