package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kmemdump.core.internal.LogEntries.bundle;
import static org.kmemdump.core.internal.LogEntries.entry;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.format.LogRing;
import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

/** One Log Service's listener: its history first, then every delivered entry, each once. */
class LogFeedTest {
    private static final Bundle BUNDLE = bundle(3, "org.example.app");

    private final Arena arena = Arena.ofConfined();
    private final LogRingWriter writer = new LogRingWriter(arena.allocate(1 << 16, 8));
    private final LogEntries.Reader service = new LogEntries.Reader();

    @AfterEach
    void close() {
        arena.close();
    }

    private List<String> messages() {
        return writer.walk().entries().stream().map(LogRing.Entry::message).toList();
    }

    private static LogEntry info(String message) {
        return entry(BUNDLE, LogLevel.INFO, message, null);
    }

    @Test
    void theHistoryComesFirstOldestFirstAndNothingTwice() {
        LogEntry early1 = info("early 1");
        LogEntry early2 = info("early 2");
        LogEntry both = info("logged while the listener was being added");
        service.history.addAll(List.of(early1, early2, both));
        LogFeed.Reader reader = new LogFeed.Reader(service, writer, new WatchdogProbes());
        reader.start();
        assertEquals(List.of(reader), service.listeners);
        service.deliver(both); // queued before the history was read, delivered after
        service.deliver(info("later"));
        assertEquals(List.of("early 1", "early 2", "logged while the listener was being added", "later"), messages());

        reader.stop();
        assertEquals(List.of(), service.listeners);
    }

    @Test
    void aLongHistoryIsCutToItsNewest() {
        IntStream.rangeClosed(1, LogFeed.Reader.REPLAY_LIMIT + 500).forEach(i -> service.history.add(info("h" + i)));
        new LogFeed.Reader(service, writer, new WatchdogProbes()).start();
        List<String> messages = messages();
        assertEquals("h" + (LogFeed.Reader.REPLAY_LIMIT + 500), messages.get(messages.size() - 1));
        assertEquals(LogFeed.Reader.REPLAY_LIMIT, writer.walk().lost() + messages.size(),
                "the ring's sequence counts exactly the replayed entries");
    }
}
