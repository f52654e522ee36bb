package org.kmemdump.core.internal;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/** Log Service stand-ins for the log ring's unit tests: entries, a bundle, and a reader whose delivery the test drives. */
final class LogEntries {
    private static final AtomicLong SEQUENCE = new AtomicLong(1);

    private LogEntries() {
    }

    /** A bundle that answers only its id and symbolic name. */
    static Bundle bundle(long id, String symbolicName) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> symbolicName;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> symbolicName + " [" + id + "]";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static Entry entry(Bundle bundle, LogLevel level, String message, Throwable exception) {
        return new Entry(bundle, level, message, exception, 1_000_000 + SEQUENCE.get(), SEQUENCE.getAndIncrement());
    }

    @SuppressWarnings("deprecation")
    record Entry(Bundle getBundle, LogLevel getLogLevel, String getMessage, Throwable getException, long getTime,
            long getSequence) implements LogEntry {
        @Override
        public ServiceReference<?> getServiceReference() {
            return null;
        }

        @Override
        public int getLevel() {
            return getLogLevel.ordinal();
        }

        @Override
        public String getLoggerName() {
            return "test";
        }

        @Override
        public String getThreadInfo() {
            return "test";
        }

        @Override
        public StackTraceElement getLocation() {
            return null;
        }
    }

    /** A Log Service with a history; {@link #deliver} plays its delivery thread. */
    static final class Reader implements LogReaderService {
        final List<LogEntry> history = new ArrayList<>(); // oldest first
        final List<LogListener> listeners = new ArrayList<>();

        void deliver(LogEntry entry) {
            listeners.forEach(listener -> listener.logged(entry));
        }

        @Override
        public void addLogListener(LogListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeLogListener(LogListener listener) {
            listeners.remove(listener);
        }

        @Override
        public Enumeration<LogEntry> getLog() {
            return Collections.enumeration(history.reversed()); // newest first, as the specification says
        }
    }
}
