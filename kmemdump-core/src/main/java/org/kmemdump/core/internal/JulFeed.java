package org.kmemdump.core.internal;

import java.util.function.Consumer;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.kmemdump.format.LogRing;

/**
 * Feeds {@code java.util.logging} records into the log ring: a handler on the root logger, for as
 * long as the feed is open. Libraries that log through JUL (and the JDK itself) would otherwise
 * leave nothing in the ring. A record is marked by its bundle name, {@value #PREFIX} and the
 * logger's name, with bundle id -1: JUL does not know bundles.
 *
 * <p>JUL calls a handler on the thread that logged; the append there is the ring's short, bounded
 * copy under its own lock ({@link LogRingWriter}), no I/O.
 */
final class JulFeed extends Handler {
    static final String PREFIX = "jul:";

    /** Only its {@code formatMessage}: parameters and resource bundles, no layout. */
    private static final Formatter MESSAGES = new SimpleFormatter();

    private final LogRingWriter writer;

    JulFeed(LogRingWriter writer, Level threshold) {
        this.writer = writer;
        setLevel(threshold);
    }

    /**
     * @return the threshold a configured {@code log.jul.level} names ({@code WARNING}, {@code INFO},
     *         {@code OFF}, a number...); {@code WARNING}, with a warning, when JUL knows no such level
     */
    static Level threshold(String configured, Consumer<String> warn) {
        try {
            return Level.parse(configured.trim());
        } catch (IllegalArgumentException e) {
            warn.accept("log.jul.level '" + configured + "' is not a java.util.logging level (SEVERE, WARNING, INFO, CONFIG, "
                    + "FINE, FINER, FINEST, OFF, ALL or a number); using WARNING");
            return Level.WARNING;
        }
    }

    void install() {
        if (getLevel() != Level.OFF) {
            Logger.getLogger("").addHandler(this);
        }
    }

    void uninstall() {
        Logger.getLogger("").removeHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null || !isLoggable(record)) {
            return;
        }
        writer.append(record(record));
    }

    /** The mapping from a JUL record to a ring record, every text bounded; the message formatted with its parameters. */
    static LogRingWriter.Record record(LogRecord record) {
        return new LogRingWriter.Record(record.getMillis(), -1, level(record.getLevel()),
                LogRingWriter.cut(PREFIX + record.getLoggerName(), LogRingWriter.BUNDLE_LIMIT),
                LogRingWriter.cut(MESSAGES.formatMessage(record), LogRingWriter.MESSAGE_LIMIT), LogRingWriter.exceptionSummary(record.getThrown()));
    }

    /** SEVERE is ERROR, WARNING WARN, INFO and CONFIG INFO, FINE DEBUG, below that TRACE. */
    static LogRing.Level level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return LogRing.Level.ERROR;
        }
        if (value >= Level.WARNING.intValue()) {
            return LogRing.Level.WARN;
        }
        if (value >= Level.CONFIG.intValue()) {
            return LogRing.Level.INFO;
        }
        return value >= Level.FINE.intValue() ? LogRing.Level.DEBUG : LogRing.Level.TRACE;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
