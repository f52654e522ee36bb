package org.kmemdump.collector.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.kmemdump.collector.DumpInput;
import org.kmemdump.collector.Failure;
import org.kmemdump.collector.KinfoFile;
import org.kmemdump.collector.LogRingLocation;
import org.kmemdump.collector.OwnerProcess;
import org.kmemdump.collector.TerminalText;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.LogRing;

/**
 * {@code log DIR [-n N] [--follow]}: the newest records of the runtime's log ring, from the arena
 * file of a live, stopped or dead owner. Only records {@link LogRing#walk} vouches for are printed
 * (whole, checksummed, at the position they claim): a record torn by a kill, or garbage, never.
 *
 * <p>{@code --follow} polls the ring every {@value #POLL_MS} ms while the owner (same pid and start
 * time, no clean-shutdown marker) lives, and prints the records newer than the last one printed, by
 * sequence number. Each poll walks the ring once (it is a slice of the file's mapping, so the
 * walk's list is the only allocation, and it is dropped after the poll); nothing accumulates.
 */
final class LogCommand {
    static final long POLL_MS = 200;
    static final String LOST_PREFIX = "... ";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String CONTINUATION = "    ";

    private LogCommand() {
    }

    static ExitCode run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        try (DumpInput input = DumpInput.open(line.directory())) {
            OwnerProcess owner = OwnerProcess.of(input.header());
            LogRingLocation location = LogRingLocation.find(input, KinfoFile.read(input.directory(), owner.memoryReadable()));
            LogRing.Walk walk;
            try {
                // the newest records only (at least one, for --follow to go on from): not the whole ring
                walk = walk(location, input, Math.max(1, line.records()));
            } catch (Failure failure) { // still one line: why the zone directory was used, then why it did not help
                throw location.note() == null ? failure : Failure.input(location.note() + "; " + failure.getMessage());
            }
            if (location.note() != null) {
                err.println(Collector.NAME + ": " + TerminalText.clean(location.note()));
            }
            ExitCode code = location.kinfoDefect() ? ExitCode.INCOMPLETE : ExitCode.OK;
            List<LogRing.Entry> entries = walk.entries();
            if (walk.lost() > 0 && line.records() > 0) {
                out.println(lost(walk.lost()) + " (overwritten as the ring wrapped around, or unreadable)");
            }
            for (LogRing.Entry entry : entries.subList(Math.max(0, entries.size() - line.records()), entries.size())) {
                print(entry, out);
            }
            if (line.follow()) {
                if (owner.memoryReadable()) {
                    follow(input, location, newest(entries), out, err);
                } else {
                    err.println(Collector.NAME + ": " + ended(owner) + ": nothing to follow");
                }
            }
            out.flush();
            if (out.checkError()) {
                err.println(Collector.NAME + ": standard output could not be written (closed?)");
                return ExitCode.OUTPUT_FAILED;
            }
            return code;
        }
    }

    /**
     * Polls until the owner ends, standard output fails or the thread is interrupted. The owner's
     * state is taken before each walk: the records it appended before it ended are all printed.
     */
    private static void follow(DumpInput input, LogRingLocation location, long printed, PrintStream out, PrintStream err)
            throws Failure {
        long last = printed;
        long walkedHead = Long.MIN_VALUE;
        while (!Thread.currentThread().isInterrupted()) {
            OwnerProcess owner = OwnerProcess.of(header(input));
            long head = location.ring().head();
            if (head != walkedHead) {
                for (LogRing.Entry entry : walk(location, input, Integer.MAX_VALUE).entries()) {
                    if (entry.sequence() > last) {
                        if (entry.sequence() - 1 > last) {
                            out.println(lost(entry.sequence() - 1 - last) + " (the ring wrapped past them before they were read)");
                        }
                        print(entry, out);
                        last = entry.sequence();
                    }
                }
                walkedHead = head;
            }
            out.flush();
            if (out.checkError() || !owner.memoryReadable()) {
                if (!owner.memoryReadable()) {
                    err.println(Collector.NAME + ": " + ended(owner) + ": no more records");
                }
                return;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The header is read again on every poll: the clean-shutdown marker is in it. */
    private static ArenaFile.Header header(DumpInput input) throws Failure {
        try {
            return ArenaFile.read(input.arenaFile(), input.arenaFile().byteSize(), input.arenaPath().toString());
        } catch (IllegalArgumentException e) {
            throw Failure.input(e.getMessage() + " (the arena header changed while the log was followed)");
        } catch (InternalError | IndexOutOfBoundsException e) {
            throw Failure.input(input.arenaPath() + ": the arena file shrank while the log was followed");
        }
    }

    private static String ended(OwnerProcess owner) {
        return "the owner, pid " + owner.pid() + ", " + (owner.state() == OwnerProcess.State.CLEAN ? "shut down cleanly" : "is gone")
                + " (" + owner.detail() + ")";
    }

    /**
     * Walks only the bytes the arena file holds now: the holes of a sparse file are skipped, never
     * read (on tmpfs that would allocate them), so a ring whose header claims a TiB costs what it holds.
     *
     * @param newest how many of the newest records: found from the head backwards, so a large ring
     *               costs no more than a small one; {@link Integer#MAX_VALUE} walks the whole window
     * @throws Failure (exit 3) when the ring's head is impossible (negative, not 8-aligned, so near
     *                 2^63 that positions would overflow) or the file shrank under the walk
     */
    private static LogRing.Walk walk(LogRingLocation location, DumpInput input, int newest) throws Failure {
        LogRing ring = location.ring();
        try {
            long head = ring.head();
            if (head < 0 || head % Long.BYTES != 0 || head > Long.MAX_VALUE - 2 * ring.capacity()) {
                throw Failure.input(location.where() + ": head " + head + " is impossible (it must be 0 or more, a multiple of 8"
                        + " and leave room to count " + ring.capacity() + " more bytes)");
            }
            return newest == Integer.MAX_VALUE ? ring.walk(input.present(ring)) : ring.newest(newest, input.present(ring));
        } catch (InternalError | IndexOutOfBoundsException e) { // a shrunk mapping faults; a head changed under the walk
            throw Failure.input(location.where() + ": the log ring changed or its file shrank while it was read");
        }
    }

    private static long newest(List<LogRing.Entry> entries) {
        long newest = 0;
        for (LogRing.Entry entry : entries) {
            newest = Math.max(newest, entry.sequence());
        }
        return newest;
    }

    static String lost(long records) {
        return LOST_PREFIX + records + (records == 1 ? " record lost" : " records lost");
    }

    /** One line: time, level, bundle (name [id]), message; the exception on an indented line after it, then its causes. */
    static void print(LogRing.Entry entry, PrintStream out) {
        out.println(TIME.format(Instant.ofEpochMilli(entry.time())) + " " + String.format("%-5s", entry.level()) + " "
                + (entry.bundle().isEmpty() ? "-" : TerminalText.clean(entry.bundle())) + " [" + (entry.bundleId() < 0 ? "-" : entry.bundleId()) + "] "
                + TerminalText.clean(entry.message()));
        if (!entry.exception().isEmpty()) {
            out.println(CONTINUATION + TerminalText.clean(entry.thrown()));
            entry.causes().forEach(cause -> out.println(CONTINUATION + "  caused by: " + TerminalText.clean(cause)));
        }
    }
}
