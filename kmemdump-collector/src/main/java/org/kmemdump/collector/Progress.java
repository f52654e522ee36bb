package org.kmemdump.collector;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line progress bar on stderr, redrawn in place when the percentage changes. */
final class Progress {
    /** Smaller dumps take about a second: a bar would only flicker. */
    static final long AUTO_THRESHOLD = 64L << 20;
    private static final int WIDTH = 30;
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    enum Mode { AUTO, ON, OFF }

    /** Shows nothing. */
    static final Progress NONE = new Progress(null, 0);

    private final PrintStream err;
    private final long total;
    private long done;
    private int shown = -1;

    private Progress(PrintStream err, long total) {
        this.err = err;
        this.total = total;
    }

    static Progress create(Mode mode, long total, PrintStream err) {
        boolean show = switch (mode) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> total > AUTO_THRESHOLD && stderrIsTerminal();
        };
        return show ? new Progress(err, total) : NONE;
    }

    /**
     * System.console() tells about stdin and stdout only (and since JDK 22 it may exist without a
     * terminal): the bar goes to stderr, so look at what fd 2 is too.
     */
    private static boolean stderrIsTerminal() {
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(STDERR).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    void advance(long bytes) {
        if (err == null) {
            return;
        }
        done = Math.min(total, done + bytes);
        int percent = total == 0 ? 100 : (int) (done * 100 / total);
        if (percent != shown) {
            shown = percent;
            int filled = percent * WIDTH / 100;
            err.print("\rcollecting [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + percent + "% of "
                    + Sizes.human(total));
            err.flush();
        }
    }

    void finish() {
        if (err != null) {
            advance(total - done);
            err.println();
        }
    }
}
