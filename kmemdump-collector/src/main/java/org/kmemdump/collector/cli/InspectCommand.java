package org.kmemdump.collector.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

import org.kmemdump.collector.CoreFile;
import org.kmemdump.collector.CoreInspection;
import org.kmemdump.collector.Failure;
import org.kmemdump.collector.InspectJson;
import org.kmemdump.collector.InspectReport;
import org.kmemdump.collector.InspectText;
import org.kmemdump.collector.Inspection;

/**
 * {@code inspect DIR [--json]}: who owns the directory and in what state, which sources list the
 * zones (the minidump table, the arena's zone directory), and for every zone where its bytes are
 * and whether they can be read now; and the kinfo record: whether it holds, what it says, and
 * whether the zones it points at lie in the arena; and when each snapshot zone was last written. On a
 * collected core (or a crash entry holding only its core): the zones its notes list and whether each
 * one's bytes are in it.
 */
final class InspectCommand {
    private InspectCommand() {
    }

    static ExitCode run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        Optional<Path> core = CoreFile.of(line.directory());
        if (core.isPresent()) {
            CoreInspection inspection = CoreInspection.inspect(core.get());
            if (line.json()) {
                out.println(inspection.json());
            } else {
                out.print(inspection.text());
            }
            return inspection.complete() ? ExitCode.OK : ExitCode.INCOMPLETE;
        }
        InspectReport report = Inspection.inspect(line.directory());
        if (line.json()) {
            out.println(InspectJson.render(report));
        } else {
            out.print(InspectText.render(report));
        }
        String problems = report.problems();
        if (problems != null) {
            err.println(Collector.NAME + ": " + problems);
        }
        if (report.nothingToCollect() != null) { // what is there was shown; the exit is collect's
            return ExitCode.BAD_INPUT;
        }
        return report.complete() ? ExitCode.OK : ExitCode.INCOMPLETE;
    }
}
