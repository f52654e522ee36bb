package org.kmemdump.collector.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.kmemdump.collector.Failure;

/**
 * The parsed command line. Every mistake is a {@link Failure#argument} that names the argument.
 *
 * @param command   {@link #COLLECT}, {@link #INSPECT}, {@link #LOG}, {@link #THREADS}, {@link #COMPONENTS} or {@link #CRASHES}; {@code null} with {@code help}
 * @param output    {@code -o FILE} (collect)
 * @param bins      {@code --bins BINDIR} or {@code null} (collect)
 * @param progress  {@code --progress}/{@code --no-progress}, else automatic (collect)
 * @param records   {@code -n N}, else {@link #DEFAULT_RECORDS} (log)
 * @param follow    {@code --follow} (log)
 * @param includeSensitive {@code --include-sensitive} (collect)
 */
record CommandLine(String command, Path directory, Path output, Path bins, ProgressBar.Mode progress, boolean json,
        boolean debug, boolean help, int records, boolean follow, boolean includeSensitive) {
    static final String COLLECT = "collect";
    static final String INSPECT = "inspect";
    static final String LOG = "log";
    static final String THREADS = "threads";
    static final String COMPONENTS = "components";
    static final String CRASHES = "crashes";
    static final int DEFAULT_RECORDS = 50;

    static final String HELP = """
            Usage: java -jar kmemdump-collector.jar <command> ...

              collect DIR -o FILE [--bins BINDIR] [--include-sensitive] [--progress|--no-progress] [--debug]
                  Reads the kmemdump directory DIR (or a crash entry DIR/crashes/ID) and
                  writes an ELF core to FILE. The regions are those of the minidump table in
                  DIR/smem, if there is a dumpable one, and the zones the arena's zone directory
                  lists (every zone the runtime registered, whatever backend was active); the
                  table wins where both list an id. Without a table, the directory alone is used.
                  The headers are the runtime's coreimage zones (ELF and VMCOREINFO) when they
                  describe exactly the regions collected, else built here.
                  Regions outside the arena are read from the owner process while it is alive or
                  stopped. Lost regions are reported; in a coreimage they are zeros. --bins also
                  writes one md_<name>.BIN per region, as the firmware does. Files are owner-only
                  and replaced atomically. The progress bar shows on a terminal for dumps over
                  64 MiB, or always with --progress. A zone registered sensitive is listed
                  ("sensitive: not collected") but its bytes are not written (zeros in a
                  coreimage, no PT_LOAD otherwise, no md_<name>.BIN) unless --include-sensitive
                  is given; that does not make the run incomplete.

              inspect DIR [--json] [--debug]
                  Shows the owner process (alive, stopped, dead, cleanly shut down), its heartbeat,
                  the active backend, the sources of the regions (the minidump table, the arena's
                  zone directory), every region with where its bytes are, whether they can be
                  read (a sensitive zone's outcome says "sensitive") and, marked "(directory)",
                  whether only the zone directory lists it, the raw minidump table, and the
                  kinfo record (DIR/kinfo): whether its magic and
                  checksums hold, its release, build info and thread size, and whether each
                  zone it points at (log ring, ELF, VMCOREINFO, bundle table) lies in the arena.
                  Then one line per snapshot zone ("threads:", "components:"): the newest whole
                  snapshot's number, when it was taken, how long ago and how long before the
                  owner's last heartbeat, or why there is none. --json prints one JSON object
                  (the snapshot zones under "snapshots").

              log DIR [-n N] [--follow] [--debug]
                  Prints the last N (default 50) records of the runtime's log ring, oldest first,
                  one line each: UTC time, level, bundle (name [id]), message; an exception on an
                  indented line after its record, each of its causes on a "caused by:" line after
                  that. java.util.logging records show as bundle "jul:<logger>" [-]. A first line "... K records lost" counts the
                  records the ring overwrote as it wrapped around (or could not read). Records
                  torn by a crash are never shown. The ring is found through the kinfo record
                  (DIR/kinfo), else (said on stderr) through zone 7 of the arena's zone
                  directory: when there is no kinfo file, or it points at no ring (the kinfo
                  backend clears its pointers while another backend is active), or it is
                  invalid. --follow, while the owner process lives (same pid and start time),
                  then prints new records as they come (checked every 200 ms), with a "... K
                  records lost" line where the ring wrapped past unread ones, until the owner
                  ends or Ctrl-C; for an owner that is gone it prints the last N and exits.

              threads DIR [--debug]
                  Prints the runtime's newest whole threads snapshot (zone 8 of the arena's zone
                  directory), jstack-like: when it was taken, how long ago and how long before
                  the owner's last heartbeat; then every thread with its state, the lock it waits
                  for and that lock's owner, its frames and the monitors and synchronizers it
                  holds. A snapshot torn by a crash is never shown: the one before it is.
              components DIR [--debug]
                  Prints Declarative Services' components as the runtime's components zone (9)
                  last held them, from a live, stopped or dead owner: per component its bundle,
                  name and state, the failure of a failed activation, and what each unsatisfied
                  reference waits for (interface, target filter); then the snapshot's time and age.

              crashes DIR [--json] [--debug]
                  Lists the crash store DIR/crashes, oldest first: per entry (a run that did not
                  end cleanly) its start time, pid, zones collected and lost (or "not collected
                  yet"), bytes, how it ended and its path. The runtime collects each entry at
                  start (core.elf, summary.txt, summary.json in it). --json prints one JSON object.

              inspect, log, threads and components also read a collected ELF core: give its path
              for DIR, or a crash entry's directory that holds core.elf and no arena or smem. The
              zones are those its VMCOREINFO note lists; one its missing-zones note lists (lost,
              withheld) or no PT_LOAD holds whole is reported, never read. log has nothing to
              --follow in a core.

              fatal EVENT PID DIR
                  Not for people: the start script (kmemdump) has the JVM run it on a fatal error
                  (EVENT fatal-error, -XX:OnError) or an OutOfMemoryError (out-of-memory,
                  -XX:OnOutOfMemoryError) while the process PID is still in memory. Writes
                  DIR/fatal.txt (what happened, when, the hs_err_pidPID.log path), then collects
                  DIR/fatal.elf from the live process, zones outside the arena included.

              --help      this text; --debug prints the stack trace of an unexpected error

            """ + ExitCode.help();

    /** @throws Failure an {@link Failure.Kind#ARGUMENT} (exit code 2), naming the bad argument */
    static CommandLine parse(String[] args) throws Failure {
        if (args.length == 0) {
            throw Failure.argument("no command: give collect, inspect, log, threads, components or crashes (--help explains them)");
        }
        String command = args[0];
        boolean help = false;
        boolean debug = false;
        boolean json = false;
        Path directory = null;
        Path output = null;
        Path bins = null;
        ProgressBar.Mode progress = null;
        Integer records = null;
        boolean follow = false;
        boolean includeSensitive = false;
        if (command.equals("--help") || command.equals("-h")) {
            return new CommandLine(null, null, null, null, ProgressBar.Mode.AUTO, false, false, true, DEFAULT_RECORDS, false, false);
        }
        if (!command.equals(COLLECT) && !command.equals(INSPECT) && !command.equals(LOG) && !command.equals(THREADS)
                && !command.equals(COMPONENTS) && !command.equals(CRASHES)) {
            throw Failure.argument("unknown command '" + command + "': give collect, inspect, log, threads, components or crashes");
        }
        boolean collect = command.equals(COLLECT);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--debug" -> debug = true;
                case "--json" -> json = once(json, arg, command.equals(CRASHES) ? CRASHES : INSPECT, command);
                case "-o", "--output" -> {
                    only(COLLECT, command, arg);
                    if (output != null) {
                        throw Failure.argument(arg + " is given twice");
                    }
                    output = path(arg, value(args, ++i, arg, "FILE"));
                }
                case "--bins" -> {
                    only(COLLECT, command, arg);
                    if (bins != null) {
                        throw Failure.argument(arg + " is given twice");
                    }
                    bins = path(arg, value(args, ++i, arg, "BINDIR"));
                }
                case "--progress", "--no-progress" -> {
                    only(COLLECT, command, arg);
                    if (progress != null) {
                        throw Failure.argument(arg + ": --progress and --no-progress may be given once, and not both");
                    }
                    progress = arg.equals("--progress") ? ProgressBar.Mode.ON : ProgressBar.Mode.OFF;
                }
                case "-n" -> {
                    only(LOG, command, arg);
                    if (records != null) {
                        throw Failure.argument(arg + " is given twice");
                    }
                    records = count(arg, ++i < args.length ? args[i] : null);
                }
                case "--follow" -> follow = once(follow, arg, LOG, command);
                case "--include-sensitive" -> includeSensitive = once(includeSensitive, arg, COLLECT, command);
                default -> {
                    if (arg.startsWith("-") && arg.length() > 1) {
                        throw Failure.argument("unknown option '" + arg + "' for " + command);
                    }
                    if (directory != null) {
                        throw Failure.argument("unexpected argument '" + arg + "': " + command + " takes one DIR");
                    }
                    directory = path("DIR", arg);
                }
            }
        }
        int shown = records == null ? DEFAULT_RECORDS : records;
        if (help) {
            return new CommandLine(command, directory, output, bins, ProgressBar.Mode.AUTO, json, debug, true, shown, follow,
                    includeSensitive);
        }
        if (directory == null) {
            throw Failure.argument(command + ": DIR is missing (the kmemdump directory)");
        }
        if (collect && output == null) {
            throw Failure.argument("collect: -o FILE is missing (where to write the core)");
        }
        return new CommandLine(command, directory, output, bins, progress == null ? ProgressBar.Mode.AUTO : progress, json,
                debug, false, shown, follow, includeSensitive);
    }

    /** @return {@code -n}'s value: a number of records, 0 or more */
    private static int count(String option, String value) throws Failure {
        if (value == null || value.isEmpty()) {
            throw Failure.argument(option + " needs a number of records");
        }
        try {
            int count = Integer.parseInt(value);
            if (count >= 0) {
                return count;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw Failure.argument(option + " '" + value + "' is not a number of records (0 to " + Integer.MAX_VALUE + ")");
    }

    private static boolean once(boolean already, String arg, String allowedFor, String command) throws Failure {
        only(allowedFor, command, arg);
        if (already) {
            throw Failure.argument(arg + " is given twice");
        }
        return true;
    }

    private static void only(String allowedFor, String command, String arg) throws Failure {
        if (!allowedFor.equals(command)) {
            throw Failure.argument("option '" + arg + "' is for " + allowedFor + ", not " + command);
        }
    }

    private static String value(String[] args, int index, String option, String what) throws Failure {
        if (index >= args.length || args[index].isEmpty() || args[index].startsWith("-")) {
            throw Failure.argument(option + " needs a " + what);
        }
        return args[index];
    }

    private static Path path(String what, String text) throws Failure {
        if (text.isEmpty()) {
            throw Failure.argument(what + " is empty");
        }
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw Failure.argument(what + " '" + text + "' is not a valid path: " + e.getReason());
        }
    }
}
