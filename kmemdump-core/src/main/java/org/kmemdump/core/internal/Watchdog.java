package org.kmemdump.core.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The kernel's watchdog bite for the JVM: finds threads deadlocked on monitors or synchronizers,
 * and a stalled framework.
 *
 * <p>The stall probe: a refresh of no bundle ({@link FrameworkWiring#refreshBundles} of an empty
 * list) whose {@code PACKAGES_REFRESHED} event must reach this watchdog, a framework listener like
 * any other, within the bound. It goes through the framework's global lock, its refresh thread and
 * its event dispatch thread, the places where a framework hangs (an operation that never returns,
 * a listener that blocks), and changes nothing. (Felix calls the listeners handed to
 * {@code refreshBundles} from its refresh thread, not through the dispatch: so none is handed.) One probe is outstanding at a time; a stall is reported once, until the
 * probe's event finally comes. The Log Service's record of each probe's event is kept out of the
 * log ring ({@link WatchdogProbes}).
 */
final class Watchdog implements FrameworkListener {
    /** The framework's event dispatch thread in Felix, named in a stall report when present. */
    static final String DISPATCH_THREAD = "FelixDispatchQueue";

    private final BundleContext context;
    private final long stallNanos;
    private final WatchdogProbes probes;
    /** When the outstanding probe was sent ({@link System#nanoTime}), 0 if none is. */
    private volatile long probeSent;
    private boolean stallReported;
    private long[] reportedDeadlock = new long[0];

    Watchdog(BundleContext context, long stallNanos, WatchdogProbes probes) {
        this.context = context;
        this.stallNanos = stallNanos;
        this.probes = probes;
    }

    void open() {
        context.addFrameworkListener(this);
    }

    void close() {
        context.removeFrameworkListener(this);
    }

    /** @return what went wrong since the last check, in words naming threads and locks, or {@code null} */
    synchronized String check() {
        String deadlock = deadlock();
        String stall = stall();
        if (deadlock == null) {
            return stall;
        }
        return stall == null ? deadlock : deadlock + "; " + stall;
    }

    private String deadlock() {
        long[] ids = ThreadDump.deadlocked();
        long[] sorted = ids == null ? new long[0] : ids.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0 || Arrays.equals(sorted, reportedDeadlock)) {
            reportedDeadlock = sorted;
            return null;
        }
        reportedDeadlock = sorted;
        StringJoiner text = new StringJoiner("; ", "deadlock of " + sorted.length + " threads: ", "");
        for (ThreadInfo info : threads().getThreadInfo(sorted, false, false)) {
            if (info != null) {
                text.add(describe(info));
            }
        }
        return text.toString();
    }

    /**
     * Looked up when a check needs it, not when the watchdog is made: the platform beans (some 45
     * classes) would otherwise be loaded while the framework starts, which they have nothing to do with.
     */
    private static ThreadMXBean threads() {
        return ManagementFactory.getThreadMXBean();
    }

    private static String describe(ThreadInfo info) {
        return "\"" + info.getThreadName() + "\" (id " + info.getThreadId() + ") " + info.getThreadState()
                + (info.getLockName() == null ? "" : " on " + info.getLockName())
                + (info.getLockOwnerName() == null ? "" : " held by \"" + info.getLockOwnerName() + "\" (id " + info.getLockOwnerId() + ")");
    }

    private String stall() {
        long sent = probeSent;
        if (sent == 0) {
            probeSent = Math.max(1, System.nanoTime());
            probes.sent();
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of());
            return null;
        }
        long waited = System.nanoTime() - sent;
        if (waited < stallNanos || stallReported) {
            return null;
        }
        stallReported = true;
        StringJoiner text = new StringJoiner("; ", "framework stalled: an event posted " + waited / 1_000_000_000L
                + " s ago has not been delivered", "");
        for (ThreadInfo info : threads().dumpAllThreads(false, false, 1)) {
            if (info != null && info.getThreadName().equals(DISPATCH_THREAD)) {
                StackTraceElement[] top = info.getStackTrace();
                text.add(describe(info) + (top.length > 0 ? " at " + top[0] : ""));
            }
        }
        return text.toString();
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
            synchronized (this) {
                probeSent = 0;
                stallReported = false;
            }
        }
    }
}
