package org.kmemdump.collector.cli;

import java.io.PrintStream;

import org.kmemdump.collector.CollectReport;
import org.kmemdump.collector.CollectText;
import org.kmemdump.collector.CoreCollection;
import org.kmemdump.collector.Failure;

/** {@code collect DIR -o FILE}: the zones of a kmemdump directory as an ELF core (and md_*.BIN files). */
final class CollectCommand {
    private CollectCommand() {
    }

    static ExitCode run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        CollectReport report = CoreCollection.collect(line.directory(), line.output(), line.bins(), new ProgressBar(line.progress(), err),
                line.includeSensitive());
        out.print(CollectText.render(report));
        String problems = report.problems();
        if (problems != null) {
            err.println(Collector.NAME + ": " + problems);
            return ExitCode.INCOMPLETE;
        }
        return ExitCode.OK;
    }
}
