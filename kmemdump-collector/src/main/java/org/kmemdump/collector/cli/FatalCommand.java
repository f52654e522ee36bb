package org.kmemdump.collector.cli;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.kmemdump.collector.Failure;
import org.kmemdump.collector.FatalCapture;
import org.kmemdump.format.FatalRecord;

/**
 * {@code fatal EVENT PID DIR}: what the start script has HotSpot run on a fatal error or an
 * OutOfMemoryError ({@code -XX:OnError}, {@code -XX:OnOutOfMemoryError}) while the JVM is still in
 * memory; see {@link FatalCapture}. Its own arguments, positional, because HotSpot composes them.
 */
final class FatalCommand {
    static final String NAME = "fatal";

    private FatalCommand() {
    }

    static ExitCode run(String[] args, PrintStream out, PrintStream err) throws Failure {
        if (args.length != 4) {
            throw Failure.argument("fatal takes EVENT PID DIR (EVENT: fatal-error or out-of-memory), got " + (args.length - 1) + " arguments");
        }
        FatalRecord.Event event = FatalRecord.Event.of(args[1]);
        if (event == null) {
            throw Failure.argument("fatal: EVENT '" + args[1] + "' is not fatal-error or out-of-memory");
        }
        long pid;
        try {
            pid = Long.parseLong(args[2]);
        } catch (NumberFormatException e) {
            pid = 0;
        }
        if (pid <= 0) {
            throw Failure.argument("fatal: PID '" + args[2] + "' is not a process id");
        }
        Path directory;
        try {
            directory = Path.of(args[3]).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw Failure.argument("fatal: DIR '" + args[3] + "' is not a valid path: " + e.getReason());
        }
        FatalCapture.Result result = FatalCapture.capture(directory, event, pid);
        err.println(Collector.NAME + ": " + event.text + " of process " + pid + " recorded in " + result.recordFile() + "; "
                + FatalRecord.CORE_FILE_NAME + ": " + result.record().core());
        return result.coreProblem() == null ? ExitCode.OK : ExitCode.INCOMPLETE;
    }
}
