package org.kmemdump.collector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.BootId;

/**
 * The arena's owner process as seen from outside. A pid alone names a process only until it is
 * reused (and in a container every runtime may be pid 1): the owner is the process with that pid
 * <em>and</em> the start time the arena header recorded.
 *
 * <p>Start times are compared through {@link ProcessHandle.Info#startInstant()}, the source the
 * runtime records them from, within {@value #START_TIME_SLACK_MS} ms: Linux derives the instant
 * from the boot time, which moves when the wall clock is stepped, and JDKs round it differently. A
 * new process on the same pid within that second is not a practical risk; a clock step of more
 * than a second makes a live owner look gone (regions reported lost, never misread).
 *
 * @param detail what was found, for reports
 */
public record OwnerProcess(long pid, long startTime, State state, String detail) {
    static final long START_TIME_SLACK_MS = 1000;
    /** The kernel's PID_MAX_LIMIT on 64-bit: no pid is larger. */
    private static final long PID_MAX = 4L << 20;
    /** /proc/PID/stat is one short line; a bound keeps a hostile /proc from making us read forever. */
    private static final int STAT_LIMIT = 4096;

    public enum State {
        ALIVE("alive"), STOPPED("stopped"), DEAD("dead"), CLEAN("cleanly shut down");

        private final String text;

        State(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** @return whether the owner's memory can be read through /proc (alive or stopped, not shut down) */
    public boolean memoryReadable() {
        return state == State.ALIVE || state == State.STOPPED;
    }

    /**
     * The clean-shutdown marker wins: the runtime has let go of its zones, whatever the pid shows.
     * An owner of another boot is gone, however alike the pid and start time of a process now.
     */
    public static OwnerProcess of(ArenaFile.Header header) {
        return of(header, BootId.current());
    }

    static OwnerProcess of(ArenaFile.Header header, UUID thisBoot) {
        long pid = header.pid();
        long startTime = header.startTime();
        if (header.cleanShutdown()) {
            return new OwnerProcess(pid, startTime, State.CLEAN, "the arena's clean-shutdown marker is set");
        }
        if (otherBoot(header, thisBoot)) {
            return new OwnerProcess(pid, startTime, State.DEAD, "the machine rebooted since the owner ran (boot id "
                    + header.bootId() + ", now " + thisBoot + ")");
        }
        String notSame = identityProblem(pid, startTime);
        if (notSame != null) {
            return new OwnerProcess(pid, startTime, State.DEAD, notSame);
        }
        char state = schedulerState(pid);
        return switch (state) {
            case 'T', 't' -> new OwnerProcess(pid, startTime, State.STOPPED, "process " + pid + " is stopped");
            case 'Z', 'X' -> new OwnerProcess(pid, startTime, State.DEAD, "process " + pid + " has exited (zombie): its memory is gone");
            case '?' -> new OwnerProcess(pid, startTime, State.DEAD, "process " + pid + " is gone (/proc/" + pid + "/stat unreadable)");
            default -> new OwnerProcess(pid, startTime, State.ALIVE, "process " + pid + " is running (state " + state + ")");
        };
    }

    /** @return whether the header names a boot and it is not {@code thisBoot} (when that is known) */
    static boolean otherBoot(ArenaFile.Header header, UUID thisBoot) {
        return header.bootId() != null && thisBoot != null && !header.bootId().equals(thisBoot);
    }

    /** @return {@code null} if {@code pid} is still the process that started at {@code startTime}, else why not */
    static String identityProblem(long pid, long startTime) {
        if (pid <= 0 || pid > PID_MAX) {
            return "pid " + pid + " is not a process id";
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return "no process " + pid;
        }
        Optional<Instant> started = process.get().info().startInstant();
        if (started.isEmpty()) {
            return "cannot tell when process " + pid + " started, so not whether it is the owner";
        }
        long actual = started.get().toEpochMilli();
        if (startTime < actual - START_TIME_SLACK_MS || startTime > actual + START_TIME_SLACK_MS) { // no overflow: actual is near now
            return "pid " + pid + " now belongs to a process started " + started.get() + ", the owner started "
                    + Instant.ofEpochMilli(startTime) + ": the owner is gone";
        }
        return null;
    }

    /** @return the state letter of /proc/PID/stat (R, S, D, T, t, Z, X, ...), or '?' if it cannot be read */
    private static char schedulerState(long pid) {
        try (InputStream in = Files.newInputStream(Path.of("/proc", Long.toString(pid), "stat"))) {
            String stat = new String(in.readNBytes(STAT_LIMIT), StandardCharsets.ISO_8859_1);
            // "pid (comm) S ...": comm may hold spaces and parentheses, the last ')' ends it
            int end = stat.lastIndexOf(')');
            return end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }
}
