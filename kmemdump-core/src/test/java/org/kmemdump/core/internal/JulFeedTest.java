package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.format.LogRing;

/** java.util.logging records in the log ring: on the root logger while installed, at or above the threshold, marked jul:. */
class JulFeedTest {
    private final Arena arena = Arena.ofConfined();
    private final LogRingWriter writer = new LogRingWriter(arena.allocate(64 * 1024, 8));
    /** Held: JUL keeps loggers weakly, and one collected would take its level with it. */
    private final Logger logger = Logger.getLogger("org.example.jul");

    @AfterEach
    void close() {
        writer.close();
        arena.close();
    }

    @Test
    void recordsAtOrAboveTheThresholdReachTheRingWhileInstalled() {
        JulFeed feed = new JulFeed(writer, Level.WARNING);
        feed.install();
        try {
            logger.log(Level.SEVERE, "broken {0}", "thing");
            logger.info("below the threshold");
            logger.log(Level.WARNING, "with a cause", new IllegalStateException("outer", new IllegalArgumentException("inner")));
        } finally {
            feed.uninstall();
        }
        logger.severe("after uninstall");
        List<LogRing.Entry> entries = writer.walk().entries();
        assertEquals(List.of("broken thing", "with a cause"), entries.stream().map(LogRing.Entry::message).toList());
        assertEquals(List.of("jul:org.example.jul", "jul:org.example.jul"), entries.stream().map(LogRing.Entry::bundle).toList());
        assertEquals(List.of(LogRing.Level.ERROR, LogRing.Level.WARN), entries.stream().map(LogRing.Entry::level).toList());
        assertEquals(-1, entries.getFirst().bundleId());
        assertEquals(1, entries.getLast().causes().size());
    }

    @Test
    void levelsMapOntoTheRingsLevels() {
        assertEquals(List.of(LogRing.Level.ERROR, LogRing.Level.WARN, LogRing.Level.INFO, LogRing.Level.INFO, LogRing.Level.DEBUG,
                LogRing.Level.TRACE, LogRing.Level.TRACE), new ArrayList<>(List.of(Level.SEVERE, Level.WARNING, Level.INFO, Level.CONFIG,
                        Level.FINE, Level.FINER, Level.FINEST).stream().map(JulFeed::level).toList()));
    }

    @Test
    void anUnknownThresholdIsAWarningAndWarning() {
        List<String> warnings = new ArrayList<>();
        assertEquals(Level.WARNING, JulFeed.threshold("LOUD", warnings::add));
        assertEquals(1, warnings.size());
        assertEquals(Level.INFO, JulFeed.threshold(" INFO ", warnings::add));
        assertEquals(Level.OFF, JulFeed.threshold("OFF", warnings::add));
    }
}
