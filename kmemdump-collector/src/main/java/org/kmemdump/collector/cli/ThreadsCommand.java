package org.kmemdump.collector.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

import org.kmemdump.collector.CoreFile;
import org.kmemdump.collector.DumpInput;
import org.kmemdump.collector.Failure;
import org.kmemdump.collector.OwnerProcess;
import org.kmemdump.collector.TerminalText;
import org.kmemdump.collector.ThreadsZone;
import org.kmemdump.format.ThreadsText;

/**
 * {@code threads DIR}: the newest whole threads snapshot of a live, stopped or dead owner, or of a core,
 * jstack-like, after a line saying when it was taken and how old it is.
 */
final class ThreadsCommand {
    private ThreadsCommand() {
    }

    static ExitCode run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        Optional<Path> core = CoreFile.of(line.directory());
        if (core.isPresent()) {
            try (CoreFile file = CoreFile.open(core.get())) {
                ThreadsZone zone = ThreadsZone.read(file);
                return print(zone, zone.age(System.currentTimeMillis()) + "; from the core " + file.path() + " of pid " + file.pid(), out, err);
            }
        }
        try (DumpInput input = DumpInput.open(line.directory())) {
            OwnerProcess owner = OwnerProcess.of(input.header());
            ThreadsZone zone = ThreadsZone.read(input);
            return print(zone, zone.age(input.header(), System.currentTimeMillis()) + "; the owner, pid " + owner.pid() + ", is "
                    + owner.state().text(), out, err);
        }
    }

    private static ExitCode print(ThreadsZone zone, String age, PrintStream out, PrintStream err) {
        out.println(TerminalText.clean(ThreadsText.heading(zone.snapshot())));
        out.println(TerminalText.clean(age));
        out.println();
        out.print(ThreadsText.threads(zone.snapshot(), TerminalText::clean));
        out.flush();
        if (out.checkError()) {
            err.println(Collector.NAME + ": standard output could not be written (closed?)");
            return ExitCode.OUTPUT_FAILED;
        }
        return ExitCode.OK;
    }
}
