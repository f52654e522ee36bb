package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kmemdump.format.LogRing;

/** The cause chain a log record keeps: each cause's class, message and first frame of the application, bounded. */
class ExceptionCausesTest {
    private static StackTraceElement frame(String type) {
        return new StackTraceElement(type, "m", "F.java", 1);
    }

    private static LogRing.Entry entry(Throwable exception) {
        return new LogRing.Entry(1, 0, -1, LogRing.Level.ERROR, "", "", LogRingWriter.exceptionSummary(exception));
    }

    @Test
    void aConstructorsRealCauseIsKeptWithWhereTheApplicationThrewIt() {
        IllegalStateException real = new IllegalStateException("no database");
        real.setStackTrace(new StackTraceElement[] {frame("java.util.Objects"), frame("org.example.Broken"), frame("org.example.Other")});
        InvocationTargetException wrapper = new InvocationTargetException(real);
        wrapper.setStackTrace(new StackTraceElement[] {frame("jdk.internal.reflect.DirectConstructorHandleAccessor"),
                frame("org.apache.felix.scr.impl.inject.internal.ComponentConstructorImpl")});
        LogRing.Entry entry = entry(wrapper);
        assertEquals("java.lang.reflect.InvocationTargetException at jdk.internal.reflect.DirectConstructorHandleAccessor.m(F.java:1)",
                entry.thrown(), "only JDK and Felix frames: the first one");
        assertEquals(List.of("java.lang.IllegalStateException: no database at org.example.Broken.m(F.java:1)"), entry.causes());
    }

    @Test
    void felixLogsWrapperKeepsTheCausesMessages() {
        RuntimeException outer = new RuntimeException("outer", new IllegalArgumentException("inner\nsecond line"));
        assertEquals(List.of("java.lang.IllegalArgumentException: inner second line at " + outer.getCause().getStackTrace()[0]),
                entry(outer).causes(), "one line per cause, whatever its message holds");
    }

    @Test
    void aLoopingChainEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        RuntimeException top = new RuntimeException("top", a);
        assertEquals(2, entry(top).causes().size(), "a, then b; b's cause a was seen");
    }

    @Test
    void aLongChainIsCutWithAMark() {
        Throwable chain = new RuntimeException("root " + "x".repeat(10_000));
        for (int i = 0; i < 100; i++) {
            chain = new RuntimeException("level " + i, chain);
        }
        List<String> causes = entry(chain).causes();
        assertEquals(LogRingWriter.CAUSE_LIMIT + 1, causes.size());
        assertEquals(LogRingWriter.CUT, causes.getLast());
        assertTrue(causes.stream().allMatch(cause -> cause.length() <= LogRingWriter.CAUSE_LINE_LIMIT));
    }

    @Test
    void noCauseNoCauseLines() {
        assertEquals(List.of(), entry(new RuntimeException("alone")).causes());
        assertEquals("", entry(null).thrown());
    }
}
