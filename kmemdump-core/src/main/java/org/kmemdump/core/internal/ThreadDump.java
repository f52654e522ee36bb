package org.kmemdump.core.internal;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.ThreadsSnapshot;
import org.kmemdump.format.ThreadsSnapshot.Monitor;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsSnapshot.ThreadEntry;
import org.kmemdump.format.ThreadsSnapshot.Trigger;

/**
 * Takes every live thread from {@link ThreadMXBean#dumpAllThreads} (with the monitors and
 * synchronizers each holds) as {@link ThreadsSnapshot} entries. Touches no lock of the runtime: a
 * snapshot never waits for the registry or for logging.
 */
final class ThreadDump {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadDump() {
    }

    /**
     * @param depth frames kept per thread; deeper ones are counted as omitted (their held monitors
     *              are still listed)
     */
    static Snapshot take(int depth, Trigger trigger) {
        long start = System.nanoTime();
        long time = System.currentTimeMillis();
        ThreadInfo[] infos = THREADS.dumpAllThreads(THREADS.isObjectMonitorUsageSupported(),
                THREADS.isSynchronizerUsageSupported() && listsSynchronizers(trigger));
        boolean cpu = THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
        List<ThreadEntry> threads = new ArrayList<>(infos.length);
        for (ThreadInfo info : infos) {
            if (info != null) {
                threads.add(entry(info, depth, cpu ? THREADS.getThreadCpuTime(info.getThreadId()) : -1));
            }
        }
        return new Snapshot(0, time, System.nanoTime() - start, trigger, threads, 0);
    }

    /**
     * @return whether a snapshot for {@code trigger} lists the ownable synchronizers each thread
     *         holds: HotSpot finds them by walking the whole heap at a safepoint (10 ms of CPU at
     *         60 MB of heap, growing with it), too much every period; the lock a thread waits for
     *         and its owner are there without it, and on-demand and watchdog snapshots list them
     */
    static boolean listsSynchronizers(Trigger trigger) {
        return trigger != Trigger.PERIODIC;
    }

    /** @return the ids of threads deadlocked on monitors or ownable synchronizers, or {@code null} if none */
    static long[] deadlocked() {
        return THREADS.isSynchronizerUsageSupported() ? THREADS.findDeadlockedThreads() : THREADS.findMonitorDeadlockedThreads();
    }

    private static ThreadEntry entry(ThreadInfo info, int depth, long cpuNanos) {
        StackTraceElement[] stack = info.getStackTrace();
        int kept = Math.min(Math.max(0, depth), stack.length);
        List<String> frames = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            frames.add(frame(stack[i]));
        }
        List<Monitor> monitors = new ArrayList<>();
        for (MonitorInfo monitor : info.getLockedMonitors()) {
            int at = monitor.getLockedStackDepth();
            monitors.add(new Monitor(monitor.toString(), at < 0 || at >= kept ? ThreadsSnapshot.NO_DEPTH : at));
        }
        List<String> synchronizers = new ArrayList<>();
        for (LockInfo synchronizer : info.getLockedSynchronizers()) {
            synchronizers.add(synchronizer.toString());
        }
        int flags = (info.isDaemon() ? ThreadsSnapshot.DAEMON : 0) | (info.isInNative() ? ThreadsSnapshot.IN_NATIVE : 0)
                | (info.isSuspended() ? ThreadsSnapshot.SUSPENDED : 0);
        LockInfo lock = info.getLockInfo();
        return new ThreadEntry(info.getThreadId(), info.getThreadName(), info.getThreadState(), flags, info.getPriority(),
                cpuNanos, lock == null ? "" : lock.toString(), info.getLockOwnerId(),
                info.getLockOwnerName() == null ? "" : info.getLockOwnerName(), frames, stack.length - kept, monitors,
                synchronizers);
    }

    /** {@code class.method(File.java:line)}, as jstack prints it, without the class loader's name. */
    private static String frame(StackTraceElement frame) {
        String where;
        if (frame.isNativeMethod()) {
            where = "Native Method";
        } else if (frame.getFileName() == null) {
            where = "Unknown Source";
        } else {
            where = frame.getLineNumber() >= 0 ? frame.getFileName() + ":" + frame.getLineNumber() : frame.getFileName();
        }
        return frame.getClassName() + "." + frame.getMethodName() + "(" + where + ")";
    }
}
