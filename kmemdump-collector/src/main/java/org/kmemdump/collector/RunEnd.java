package org.kmemdump.collector;

import org.kmemdump.format.ArenaFile;

/**
 * How a run ended, as far as its arena header tells: the one place that says it, for the crash
 * summaries, the announcements at start and the listings.
 */
public final class RunEnd {
    private RunEnd() {
    }

    /** @return e.g. {@code stopped cleanly}, or that it ended unexpectedly, with its last heartbeat */
    public static String describe(ArenaFile.Header header) {
        if (header.cleanShutdown()) {
            return "stopped cleanly";
        }
        return "ended without stopping (killed, crashed or the machine went down); its heartbeat stopped at "
                + CrashFacts.time(header.heartbeat());
    }
}
