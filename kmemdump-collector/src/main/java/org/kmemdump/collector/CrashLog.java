package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.LogRing;

/**
 * The last records of a run's log ring as lines, for its crash summary and announcement. The
 * collector's {@code log} command reads the ring the same way; only records the ring vouches for
 * are returned.
 */
final class CrashLog {
    private CrashLog() {
    }

    /** @return up to {@code count} newest records, oldest first, one line each; an exception adds its line */
    static List<String> last(DumpInput input, OwnerProcess owner, int count) throws Failure {
        LogRingLocation location = LogRingLocation.find(input, KinfoFile.read(input.directory(), owner.memoryReadable()));
        LogRing ring = location.ring();
        List<LogRing.Entry> entries;
        try {
            entries = ring.walk(input.present(ring)).entries();
        } catch (InternalError | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw Failure.input(location.where() + ": the log ring cannot be read: " + e.getMessage());
        }
        List<String> lines = new ArrayList<>();
        for (LogRing.Entry entry : entries.subList(Math.max(0, entries.size() - count), entries.size())) {
            lines.add(CrashFacts.time(entry.time()) + " " + entry.level() + " " + (entry.bundle().isEmpty() ? "-" : entry.bundle()) + " "
                    + TerminalText.clean(entry.message()) + (entry.exception().isEmpty() ? "" : " / " + TerminalText.clean(entry.thrown())));
        }
        return lines;
    }
}
