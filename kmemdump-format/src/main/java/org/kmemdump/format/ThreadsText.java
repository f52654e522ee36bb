package org.kmemdump.format;

import java.time.Instant;
import java.util.Locale;
import java.util.function.UnaryOperator;

import org.kmemdump.format.ThreadsSnapshot.Monitor;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsSnapshot.ThreadEntry;

/**
 * A threads snapshot as text, in the shape of {@code jstack}: one heading line per thread (name,
 * id, daemon, priority, CPU time, state, the lock waited for and its owner), its frames with the
 * monitors locked in each, then its ownable synchronizers. The shell's {@code kmemdump:threads} and
 * the collector's {@code threads} print the same text.
 */
public final class ThreadsText {
    private ThreadsText() {
    }

    /** @return the first line: when the snapshot was taken, why, and how many threads it holds */
    public static String heading(Snapshot snapshot) {
        return "threads as of " + Instant.ofEpochMilli(snapshot.time()) + " (snapshot " + snapshot.sequence() + ", "
                + snapshot.trigger().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", took "
                + String.format(Locale.ROOT, "%.1f", snapshot.tookNanos() / 1e6) + " ms): " + snapshot.threads().size() + " threads"
                + (snapshot.threadsOmitted() > 0 ? ", " + snapshot.threadsOmitted() + " more left out (no room in the zone)" : "")
                + (snapshot.trigger() == ThreadsSnapshot.Trigger.PERIODIC ? "; ownable synchronizers held are not listed in a periodic snapshot" : "");
    }

    /**
     * @param clean makes a stored string safe to print (the collector strips terminal controls)
     * @return every thread, as {@code jstack} would print it, each line ending in a newline
     */
    public static String threads(Snapshot snapshot, UnaryOperator<String> clean) {
        StringBuilder text = new StringBuilder();
        for (ThreadEntry thread : snapshot.threads()) {
            thread(thread, clean, text);
        }
        return text.toString();
    }

    private static void thread(ThreadEntry thread, UnaryOperator<String> clean, StringBuilder text) {
        text.append('"').append(clean.apply(thread.name())).append("\" #").append(thread.id())
                .append(thread.daemon() ? " daemon" : "").append(" prio=").append(thread.priority());
        if (thread.cpuNanos() >= 0) {
            text.append(String.format(Locale.ROOT, " cpu=%.2fms", thread.cpuNanos() / 1e6));
        }
        text.append(' ').append(thread.state());
        if ((thread.flags() & ThreadsSnapshot.IN_NATIVE) != 0) {
            text.append(" (in native)");
        }
        if ((thread.flags() & ThreadsSnapshot.SUSPENDED) != 0) {
            text.append(" (suspended)");
        }
        if (!thread.lock().isEmpty()) {
            text.append(" on ").append(clean.apply(thread.lock()));
        }
        if (thread.lockOwnerId() >= 0) {
            text.append(" owned by \"").append(clean.apply(thread.lockOwner())).append("\" #").append(thread.lockOwnerId());
        }
        text.append('\n');
        for (int depth = 0; depth < thread.frames().size(); depth++) {
            text.append("\tat ").append(clean.apply(thread.frames().get(depth))).append('\n');
            for (Monitor monitor : thread.monitors()) {
                if (monitor.depth() == depth) {
                    text.append("\t- locked ").append(clean.apply(monitor.lock())).append('\n');
                }
            }
        }
        if (thread.framesOmitted() > 0) {
            text.append("\t... ").append(thread.framesOmitted()).append(" more frames\n");
        }
        for (Monitor monitor : thread.monitors()) {
            if (monitor.depth() >= thread.frames().size()) {
                text.append("\t- locked ").append(clean.apply(monitor.lock())).append(" (in a frame not kept)\n");
            }
        }
        if (!thread.synchronizers().isEmpty()) {
            text.append("\n\tLocked ownable synchronizers:\n");
            for (String synchronizer : thread.synchronizers()) {
                text.append("\t- ").append(clean.apply(synchronizer)).append('\n');
            }
        }
        text.append('\n');
    }
}
