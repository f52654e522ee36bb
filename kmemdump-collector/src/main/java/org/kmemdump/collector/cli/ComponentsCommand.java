package org.kmemdump.collector.cli;

import java.io.PrintStream;
import java.time.Instant;

import org.kmemdump.collector.ComponentsReport;
import org.kmemdump.collector.Failure;
import org.kmemdump.collector.TerminalText;
import org.kmemdump.format.ComponentsText;

/**
 * {@code components DIR}: Declarative Services' components as the runtime's components zone last
 * held them (state, failure of a failed activation, what each unsatisfied reference waits for),
 * from a live, stopped or dead owner, with the snapshot's time and age.
 */
final class ComponentsCommand {
    private ComponentsCommand() {
    }

    static ExitCode run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        ComponentsReport report = ComponentsReport.read(line.directory());
        ComponentsText.report(report.components()).forEach(each -> out.println(TerminalText.clean(each)));
        long age = System.currentTimeMillis() - report.snapshot().time();
        out.println("snapshot " + report.snapshot().sequence() + " taken " + Instant.ofEpochMilli(report.snapshot().time()) + ", "
                + age + " ms ago; the owner, pid " + report.owner().pid() + ", " + report.owner().state().text());
        out.flush();
        if (out.checkError()) {
            err.println(Collector.NAME + ": standard output could not be written (closed?)");
            return ExitCode.OUTPUT_FAILED;
        }
        return ExitCode.OK;
    }
}
