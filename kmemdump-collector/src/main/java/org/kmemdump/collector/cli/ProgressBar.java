package org.kmemdump.collector.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.kmemdump.collector.Progress;
import org.kmemdump.collector.Sizes;

/** A one-line progress bar on stderr, redrawn in place when the percentage changes. */
final class ProgressBar implements Progress {
    /** Smaller dumps take about a second: a bar would only flicker. */
    static final long AUTO_THRESHOLD = 64L << 20;
    private static final int WIDTH = 30;
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    enum Mode { AUTO, ON, OFF }

    private final Mode mode;
    private final PrintStream stderr;
    /** {@code null} until {@link #start} decides to show the bar. */
    private PrintStream err;
    private long total;
    private long done;
    private int shown = -1;

    ProgressBar(Mode mode, PrintStream err) {
        this.mode = mode;
        this.stderr = err;
    }

    @Override
    public void start(long total) {
        boolean show = switch (mode) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> total > AUTO_THRESHOLD && stderrIsTerminal();
        };
        this.total = total;
        this.err = show ? stderr : null;
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

    @Override
    public void advance(long bytes) {
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

    @Override
    public void finish() {
        if (err != null) {
            advance(total - done);
            err.println();
        }
    }
}
