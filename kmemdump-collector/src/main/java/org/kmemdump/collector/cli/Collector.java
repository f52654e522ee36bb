package org.kmemdump.collector.cli;

import java.io.PrintStream;

import org.kmemdump.collector.Failure;
import org.kmemdump.collector.TerminalText;

/**
 * The kmemdump collector's command line: run outside the dumped JVM, on its kmemdump directory (or
 * a crash entry of its crash store). {@code --help} lists the commands and
 * exit codes.
 *
 * <p>Every input is untrusted: whatever is in the files, a run ends with an exit code and at most
 * one line of error, never a stack trace (unless {@code --debug}), never a hang.
 */
public final class Collector {
    static final String NAME = "kmemdump-collector";

    private Collector() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** @return the exit code; never calls System.exit, so tests run it in-process */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = false;
        for (String arg : args) {
            debug |= arg.equals("--debug");
        }
        try {
            if (args.length > 0 && args[0].equals(FatalCommand.NAME)) {
                return FatalCommand.run(args, out, err).code();
            }
            CommandLine line = CommandLine.parse(args);
            if (line.help()) {
                out.print(CommandLine.HELP);
                return ExitCode.OK.code();
            }
            ExitCode exit = switch (line.command()) {
                case CommandLine.COLLECT -> CollectCommand.run(line, out, err);
                case CommandLine.LOG -> LogCommand.run(line, out, err);
                case CommandLine.THREADS -> ThreadsCommand.run(line, out, err);
                case CommandLine.COMPONENTS -> ComponentsCommand.run(line, out, err);
                case CommandLine.CRASHES -> CrashesCommand.run(line, out, err);
                default -> InspectCommand.run(line, out, err);
            };
            return exit.code();
        } catch (Failure failure) {
            ExitCode exit = ExitCode.of(failure.kind());
            err.println(NAME + ": " + TerminalText.clean(failure.getMessage()) + (exit == ExitCode.USAGE ? " (see --help)" : ""));
            if (debug) {
                failure.printStackTrace(err);
            }
            return exit.code();
        } catch (Throwable unexpected) { // a bug, or a file changed under a mapping: still one line
            err.println(NAME + ": internal error reading the dump directory: " + TerminalText.clean(String.valueOf(unexpected.getMessage()))
                    + (debug ? "" : " (--debug shows where)"));
            if (debug) {
                unexpected.printStackTrace(err);
            }
            return ExitCode.BAD_INPUT.code();
        } finally {
            out.flush();
            err.flush();
        }
    }
}
