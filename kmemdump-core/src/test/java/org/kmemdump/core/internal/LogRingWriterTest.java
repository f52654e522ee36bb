package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.core.internal.LogEntries.bundle;
import static org.kmemdump.core.internal.LogEntries.entry;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.LogRing.Level;
import org.osgi.framework.Bundle;
import org.osgi.service.log.LogLevel;

class LogRingWriterTest {
    private static final Bundle BUNDLE = bundle(12, "org.example.app");

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private LogRingWriter writer(long size) {
        return new LogRingWriter(arena.allocate(size, 8));
    }

    @Test
    void anEntryBecomesARecordReadBackWhole() {
        LogRingWriter writer = writer(4096);
        IllegalStateException failure = new IllegalStateException("a known failure");
        LogEntries.Entry entry = entry(BUNDLE, LogLevel.ERROR, "it broke", failure);
        writer.append(entry);
        String frame = failure.getStackTrace()[0].toString();
        assertTrue(frame.contains("LogRingWriterTest"), frame);
        assertEquals(List.of(new LogRing.Entry(1, entry.getTime(), 12, Level.ERROR, "org.example.app", "it broke",
                "java.lang.IllegalStateException: a known failure at " + frame)), writer.walk().entries());
    }

    @Test
    void everyLevelKeepsItsName() {
        for (LogLevel level : LogLevel.values()) {
            assertEquals(level.name(), LogRingWriter.record(entry(BUNDLE, level, "m", null)).level().name());
        }
    }

    @Test
    void anEntryWithoutBundleOrMessage() {
        LogRingWriter.Record record = LogRingWriter.record(entry(null, LogLevel.INFO, null, null));
        assertEquals(-1, record.bundleId());
        assertEquals("", record.bundle());
        assertEquals("", record.message());
        assertEquals("", record.exception());
    }

    @Test
    void theExceptionSummaryIsClassMessageAndFirstFrame() {
        RuntimeException noMessage = new RuntimeException();
        assertEquals("java.lang.RuntimeException at " + noMessage.getStackTrace()[0], LogRingWriter.exceptionSummary(noMessage));

        RuntimeException noFrames = new RuntimeException("bare");
        noFrames.setStackTrace(new StackTraceElement[0]);
        assertEquals("java.lang.RuntimeException: bare", LogRingWriter.exceptionSummary(noFrames));

        RuntimeException withCause = new RuntimeException("outer", new IllegalArgumentException("inner"));
        assertTrue(LogRingWriter.exceptionSummary(withCause).startsWith("java.lang.RuntimeException: outer at "),
                "the first frame only, no cause");
        assertEquals("", LogRingWriter.exceptionSummary(null));
    }

    @Test
    void theExceptionSummaryIsBoundedHoweverLongTheMessageOrDeepTheStack() {
        RuntimeException huge = new RuntimeException("x".repeat(100_000));
        String summary = LogRingWriter.exceptionSummary(huge);
        assertEquals(LogRingWriter.EXCEPTION_LIMIT, summary.length());
        assertTrue(summary.endsWith(LogRingWriter.CUT), summary);

        RuntimeException deep = new RuntimeException("deep");
        StackTraceElement[] frames = new StackTraceElement[10_000];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = new StackTraceElement("C" + i, "m", "C.java", i);
        }
        deep.setStackTrace(frames);
        assertEquals("java.lang.RuntimeException: deep at C0.m(C.java:0)", LogRingWriter.exceptionSummary(deep));
    }

    @Test
    void messagesAndNamesAreCutToTheirLimitsNeverInsideACharacter() {
        LogRingWriter.Record record = LogRingWriter.record(entry(bundle(1, "b".repeat(1000)), LogLevel.WARN, "m".repeat(50_000), null));
        assertEquals(LogRingWriter.BUNDLE_LIMIT, record.bundle().length());
        assertEquals(LogRingWriter.MESSAGE_LIMIT, record.message().length());
        assertTrue(record.message().endsWith(LogRingWriter.CUT));

        String clef = "\uD834\uDD1E"; // one character, two chars
        int limit = 10;
        String text = "a".repeat(limit - LogRingWriter.CUT.length() - 1) + clef + "tail";
        String cut = LogRingWriter.cut(text, limit);
        assertEquals("a".repeat(limit - LogRingWriter.CUT.length() - 1) + LogRingWriter.CUT, cut, "the pair goes whole");
        assertEquals("short", LogRingWriter.cut("short", limit));
    }

    @Test
    void theConfiguredSizeIsValidated() {
        List<String> warnings = new ArrayList<>();
        assertEquals(0, LogRingWriter.zoneSize(0, warnings::add), "0 disables");
        assertEquals(LogRingWriter.DEFAULT_SIZE, LogRingWriter.zoneSize(LogRingWriter.DEFAULT_SIZE, warnings::add));
        assertEquals(LogRing.MIN_ZONE_SIZE, LogRingWriter.zoneSize(LogRing.MIN_ZONE_SIZE, warnings::add));
        assertEquals(List.of(), warnings);

        assertEquals(LogRing.MIN_ZONE_SIZE, LogRingWriter.zoneSize(100, warnings::add));
        assertEquals(LogRing.MIN_ZONE_SIZE, LogRingWriter.zoneSize(-5, warnings::add));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("log.ring.size 100 is too small") && warnings.get(0).contains("256"), warnings.get(0));
        assertEquals(1L << 20, LogRingWriter.DEFAULT_SIZE, "1 MiB unless configured");
    }

    /** At LogRing's minimum the records keep no text (see {@link LogRing#MIN_ZONE_SIZE}), but they keep coming. */
    @Test
    void theSmallestRingKeepsBareRecordsWrappingForever() {
        LogRingWriter writer = writer(LogRingWriter.zoneSize(1, message -> { }));
        for (int i = 0; i < 1000; i++) {
            writer.append(entry(BUNDLE, i == 999 ? LogLevel.AUDIT : LogLevel.INFO, "n" + i, null));
        }
        List<LogRing.Entry> entries = writer.walk().entries();
        LogRing.Entry last = entries.get(entries.size() - 1);
        assertEquals(1000, last.sequence());
        assertEquals(Level.AUDIT, last.level());
        assertEquals(12, last.bundleId());
    }

    @Test
    void aClosedWriterNeverTouchesTheZoneAgain() {
        MemorySegment zone = arena.allocate(4096, 8);
        LogRingWriter writer = new LogRingWriter(zone);
        writer.append(entry(BUNDLE, LogLevel.INFO, "before", null));
        byte[] before = zone.toArray(ValueLayout.JAVA_BYTE);
        writer.close();
        writer.append(entry(BUNDLE, LogLevel.INFO, "after", null));
        assertArrayEquals(before, zone.toArray(ValueLayout.JAVA_BYTE));
        assertEquals(List.of(), writer.walk().entries());
    }
}
