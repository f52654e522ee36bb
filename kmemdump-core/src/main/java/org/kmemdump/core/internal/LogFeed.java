package org.kmemdump.core.internal;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Feeds every OSGi Log Service entry into the log ring, but the watchdog's probes
 * ({@link WatchdogProbes}): a {@link LogListener} on every {@link LogReaderService}, for as long as
 * the feed is open.
 *
 * <p>A thread that logs never waits for the ring: the Log Service queues the entry and delivers it
 * to listeners on a thread of its own (Felix Log: {@code FelixLogListener}, which drains its queue
 * in batches), and the append there is a short, bounded copy ({@link LogRingWriter}).
 */
final class LogFeed implements ServiceTrackerCustomizer<LogReaderService, LogFeed.Reader> {
    private final BundleContext context;
    private final LogRingWriter writer;
    private final WatchdogProbes probes;
    private final ServiceTracker<LogReaderService, Reader> tracker;

    LogFeed(BundleContext context, LogRingWriter writer, WatchdogProbes probes) {
        this.context = context;
        this.writer = writer;
        this.probes = probes;
        this.tracker = new ServiceTracker<>(context, LogReaderService.class, this);
    }

    void open() {
        tracker.open();
    }

    /** Removes every listener; an entry being delivered may still reach the writer, which must be closed next. */
    void close() {
        tracker.close();
    }

    @Override
    public Reader addingService(ServiceReference<LogReaderService> reference) {
        LogReaderService service = context.getService(reference);
        if (service == null) {
            return null;
        }
        Reader reader = new Reader(service, writer, probes);
        reader.start();
        return reader;
    }

    @Override
    public void modifiedService(ServiceReference<LogReaderService> reference, Reader reader) {
    }

    @Override
    public void removedService(ServiceReference<LogReaderService> reference, Reader reader) {
        reader.stop();
        context.ungetService(reference);
    }

    /**
     * The listener on one Log Service. It starts with the service's history, oldest first: what was
     * logged before the core came up (framework start, bundle events, early failures) is what a
     * crash during start-up leaves to read. The listener is added before the history is read, so no
     * entry falls between the two; one that is in both is written once, by its sequence number.
     */
    static final class Reader implements LogListener {
        /** Felix Log keeps 100 entries by default; a larger history is cut to its newest, to bound the start. */
        static final int REPLAY_LIMIT = 1000;

        private final LogReaderService service;
        private final LogRingWriter writer;
        private final WatchdogProbes probes;
        /** Sequence numbers of the replayed history, until delivered once more (at most {@value #REPLAY_LIMIT}). */
        private final Set<Long> replayed = new HashSet<>();

        Reader(LogReaderService service, LogRingWriter writer, WatchdogProbes probes) {
            this.service = service;
            this.writer = writer;
            this.probes = probes;
        }

        synchronized void start() {
            service.addLogListener(this);
            List<LogEntry> newestFirst = new ArrayList<>();
            for (Enumeration<LogEntry> log = service.getLog(); log.hasMoreElements() && newestFirst.size() < REPLAY_LIMIT; ) {
                newestFirst.add(log.nextElement());
            }
            for (LogEntry entry : newestFirst.reversed()) {
                writer.append(entry);
                replayed.add(entry.getSequence());
            }
        }

        void stop() {
            service.removeLogListener(this);
        }

        @Override
        public void logged(LogEntry entry) {
            synchronized (this) { // waits for start() to finish the history
                if (!replayed.isEmpty() && replayed.remove(entry.getSequence())) {
                    return;
                }
            }
            if (!probes.isProbe(entry)) {
                writer.append(entry);
            }
        }
    }
}
