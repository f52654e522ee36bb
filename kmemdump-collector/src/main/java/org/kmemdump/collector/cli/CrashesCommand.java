package org.kmemdump.collector.cli;

import java.io.PrintStream;
import java.util.List;

import org.kmemdump.collector.CrashListing;
import org.kmemdump.collector.Failure;

/** {@code crashes DIR [--json]}: the entries of the crash store, oldest first. */
final class CrashesCommand {
    private CrashesCommand() {
    }

    static ExitCode run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        List<CrashListing.Row> rows = CrashListing.list(line.directory());
        out.print(line.json() ? CrashListing.json(rows) + "\n" : CrashListing.text(rows));
        out.flush();
        if (out.checkError()) {
            err.println(Collector.NAME + ": standard output could not be written (closed?)");
            return ExitCode.OUTPUT_FAILED;
        }
        return ExitCode.OK;
    }
}
