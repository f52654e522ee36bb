package org.kmemdump.collector.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.kmemdump.collector.CoreFile;
import org.kmemdump.collector.DumpInput;
import org.kmemdump.collector.Failure;
import org.kmemdump.collector.KinfoFile;
import org.kmemdump.collector.LogReader;
import org.kmemdump.collector.LogRingLocation;
import org.kmemdump.collector.OwnerProcess;
import org.kmemdump.collector.TerminalText;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.LogRing;

/**
 * {@code log DIR [-n N] [--follow]}: the newest records of the runtime's log ring ({@link LogReader}),
 * from the arena file of a live, stopped or dead owner, or from a collected core (a crash entry's
 * or any other).
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
        Optional<Path> core = CoreFile.of(line.directory());
        if (core.isPresent()) {
            print(LogReader.last(core.get(), line.records()), line.records(), out);
            if (line.follow()) {
                err.println(Collector.NAME + ": " + core.get() + " is a collected core: nothing to follow");
            }
            return finish(out, err, ExitCode.OK);
        }
        try (DumpInput input = DumpInput.open(line.directory())) {
            OwnerProcess owner = OwnerProcess.of(input.header());
            LogRingLocation location = LogRingLocation.find(input, KinfoFile.read(input.directory(), owner.memoryReadable()));
            LogReader.Tail tail = LogReader.last(input, location, line.records());
            if (tail.note() != null) {
                err.println(Collector.NAME + ": " + TerminalText.clean(tail.note()));
            }
            print(tail, line.records(), out);
            if (line.follow()) {
                if (owner.memoryReadable()) {
                    follow(input, location, tail.newest(), out, err);
                } else {
                    err.println(Collector.NAME + ": " + ended(owner) + ": nothing to follow");
                }
            }
            return finish(out, err, tail.incomplete() ? ExitCode.INCOMPLETE : ExitCode.OK);
        }
    }

    private static void print(LogReader.Tail tail, int records, PrintStream out) {
        if (tail.lost() > 0 && records > 0) {
            out.println(lost(tail.lost()) + " (overwritten as the ring wrapped around, or unreadable)");
        }
        tail.entries().forEach(entry -> print(entry, out));
    }

    private static ExitCode finish(PrintStream out, PrintStream err, ExitCode code) {
        out.flush();
        if (out.checkError()) {
            err.println(Collector.NAME + ": standard output could not be written (closed?)");
            return ExitCode.OUTPUT_FAILED;
        }
        return code;
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
                for (LogRing.Entry entry : LogReader.walk(location, input).entries()) {
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
