package org.kmemdump.core.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.kmemdump.format.LogRing;
import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;

/**
 * Writes OSGi Log Service entries into the log ring zone ({@link LogRing} documents the bytes).
 *
 * <p>An append is a bounded memory copy into the zone under this writer's own short lock: every
 * text is cut to a fixed length first, nothing here does file I/O (the zone is memory: mapped
 * arena pages or ordinary memory) and the registry's lock is never taken. It runs on the Log
 * Service's delivery thread ({@link LogFeed}), never on the thread that logged.
 */
final class LogRingWriter {
    /** The ring's default size: about 7000 records with 100 bytes of text each. */
    static final long DEFAULT_SIZE = 1L << 20;
    /** Bounds on each text, in chars, so that one append copies at most a few KiB. */
    static final int BUNDLE_LIMIT = 256;
    static final int MESSAGE_LIMIT = 4096;
    static final int EXCEPTION_LIMIT = 1024;
    /** Causes recorded after the exception itself, and the length of each one's line. */
    static final int CAUSE_LIMIT = 8;
    static final int CAUSE_LINE_LIMIT = 512;
    /** What a cut text ends with, so a reader knows there was more. */
    static final String CUT = "...";
    /** Felix Log hands out exceptions of other bundles' classes wrapped in this, with "class: message" as its message. */
    static final String FELIX_WRAPPER = "org.apache.felix.log.LogException";

    /** One entry as the ring stores it. */
    record Record(long time, long bundleId, LogRing.Level level, String bundle, String message, String exception) {
    }

    private final MemorySegment zone;
    private LogRing ring;

    LogRingWriter(MemorySegment zone) {
        this.zone = zone;
        ring = LogRing.create(zone);
    }

    /**
     * @return the zone size to allocate for a configured {@code log.ring.size}: 0 (no ring) stays
     *         0, a size LogRing cannot use becomes its minimum, with a warning
     */
    static long zoneSize(long configured, Consumer<String> warn) {
        if (configured == 0 || configured >= LogRing.MIN_ZONE_SIZE) {
            return configured;
        }
        warn.accept("log.ring.size " + configured + " is too small for a log ring; using the minimum, " + LogRing.MIN_ZONE_SIZE
                + " bytes, which keeps records without text (0 disables the ring)");
        return LogRing.MIN_ZONE_SIZE;
    }

    /** Appends one entry; does nothing once closed. */
    void append(LogEntry entry) {
        append(record(entry));
    }

    /** Appends one record whose texts are already bounded; does nothing once closed. */
    void append(Record record) {
        synchronized (this) {
            if (ring != null) {
                ring.append(record.time(), record.bundleId(), record.level(), record.bundle(), record.message(),
                        record.exception());
            }
        }
    }

    /**
     * @return the ring's records, oldest first, and how many were lost; empty once closed. Walked in
     *         a copy, so appends wait only for the copy.
     */
    LogRing.Walk walk() {
        MemorySegment copy = Arena.ofAuto().allocate(zone.byteSize(), 8);
        synchronized (this) {
            if (ring == null) {
                return new LogRing.Walk(List.of(), 0);
            }
            copy.copyFrom(zone);
        }
        return LogRing.open(copy, "the log ring's copy").walk();
    }

    /** Stops writing: once this returns, the zone's memory is never touched again and may be freed. */
    synchronized void close() {
        ring = null;
    }

    /** The mapping from a Log Service entry to a ring record, every text bounded. */
    static Record record(LogEntry entry) {
        Bundle bundle = entry.getBundle();
        return new Record(entry.getTime(), bundle == null ? -1 : bundle.getBundleId(),
                LogRing.Level.valueOf(entry.getLogLevel().name()), cut(bundle == null ? null : bundle.getSymbolicName(), BUNDLE_LIMIT),
                cut(entry.getMessage(), MESSAGE_LIMIT), exceptionSummary(entry.getException()));
    }

    /**
     * @return the exception's line, {@code class: message at frame}, at most {@value #EXCEPTION_LIMIT}
     *         chars, then one line per cause ({@link LogRing.Entry#causes}), at most
     *         {@value #CAUSE_LIMIT} of {@value #CAUSE_LINE_LIMIT} chars each; {@code ""} for none.
     *         Enough to recognize a failure and where the application threw it, bounded however
     *         deep its stack or long its chain, and finite when the chain loops.
     */
    static String exceptionSummary(Throwable exception) {
        if (exception == null) {
            return "";
        }
        StringBuilder summary = new StringBuilder(line(exception, EXCEPTION_LIMIT));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(exception);
        int causes = 0;
        for (Throwable cause = exception.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            if (causes++ == CAUSE_LIMIT) {
                summary.append(LogRing.Entry.CAUSE_SEPARATOR).append(CUT);
                break;
            }
            summary.append(LogRing.Entry.CAUSE_SEPARATOR).append(line(cause, CAUSE_LINE_LIMIT));
        }
        return summary.toString();
    }

    /** @return {@code class: message at frame} on one line, cut to {@code limit} chars */
    private static String line(Throwable exception, int limit) {
        String message = exception.getMessage();
        String line;
        if (exception.getClass().getName().equals(FELIX_WRAPPER) && message != null) {
            // already "class: message", and "class: null" when the original had no message
            line = cut(message.endsWith(": null") ? message.substring(0, message.length() - ": null".length()) : message, limit);
        } else {
            line = exception.getClass().getName() + (message == null ? "" : ": " + cut(message, limit));
        }
        StackTraceElement frame = ApplicationFrames.first(exception.getStackTrace());
        if (frame != null) {
            line += " at " + frame;
        }
        return cut(line.replace('\n', ' ').replace('\r', ' '), limit);
    }

    /** @return {@code text} ({@code ""} for null) cut to {@code limit} chars, never inside a surrogate pair */
    static String cut(String text, int limit) {
        if (text == null) {
            return "";
        }
        if (text.length() <= limit) {
            return text;
        }
        int end = limit - CUT.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + CUT;
    }
}
