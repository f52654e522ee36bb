package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;

import org.junit.jupiter.api.Test;

/** SCR's failure text, a printed stack trace, condensed to the lines the log ring keeps of an exception. */
class PrintedTraceTest {
    private static StackTraceElement frame(String type) {
        return new StackTraceElement(type, "m", "F.java", 1);
    }

    private static String printed(Throwable exception) {
        StringWriter text = new StringWriter();
        exception.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void theWrapperAndItsRealCauseWithTheApplicationsFrame() {
        IllegalStateException real = new IllegalStateException("no database");
        real.setStackTrace(new StackTraceElement[] {frame("java.util.Objects"), frame("org.example.Broken"), frame("org.example.Caller")});
        real.addSuppressed(new RuntimeException("suppressed"));
        InvocationTargetException wrapper = new InvocationTargetException(real);
        wrapper.setStackTrace(new StackTraceElement[] {frame("jdk.internal.reflect.DirectConstructorHandleAccessor"),
                frame("org.apache.felix.scr.impl.inject.internal.ComponentConstructorImpl"), frame("org.osgi.util.tracker.BundleTracker")});
        assertEquals("java.lang.reflect.InvocationTargetException at jdk.internal.reflect.DirectConstructorHandleAccessor.m(F.java:1)\n"
                + "caused by: java.lang.IllegalStateException: no database at org.example.Broken.m(F.java:1)",
                PrintedTrace.condense(printed(wrapper)));
        assertEquals(LogRingWriter.exceptionSummary(wrapper).replace("\n", "\ncaused by: "), PrintedTrace.condense(printed(wrapper)),
                "the same lines as the log ring's");
    }

    @Test
    void textThatIsNoTraceStaysAsItIs() {
        assertEquals("the component's configuration is missing", PrintedTrace.condense("the component's configuration is missing"));
        assertEquals("two\nlines", PrintedTrace.condense("two\nlines"));
    }
}
