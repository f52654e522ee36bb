package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real child process whose stdout and stderr are collected as they come, so a test can wait for
 * a piece of output, talk to the process on stdin and always show everything it printed when an
 * assertion fails. {@link #close()} kills it forcibly: use it in try-with-resources.
 */
final class Child implements AutoCloseable {
    private final String name;
    private final Process process;
    private final long startNanos;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outPump;
    private final Thread errPump;
    private volatile Pattern fatalStderr;

    private Child(String name, Process process, long startNanos) {
        this.name = name;
        this.process = process;
        this.startNanos = startNanos;
        outPump = pump(process.getInputStream(), out, name + " stdout");
        errPump = pump(process.getErrorStream(), err, name + " stderr");
    }

    /** Starts {@code command} in {@code directory}; fails the test (not an exception) if it cannot be run. */
    static Child start(String name, List<String> command, Path directory) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        long start = System.nanoTime();
        try {
            return new Child(name, builder.start(), start);
        } catch (IOException e) {
            return fail("cannot run " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
    }

    private static Thread pump(InputStream in, StringBuffer into, String threadName) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    // the children print ASCII; a UTF-8 sequence split across reads would only garble a log
                    into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the stream closes when the process dies
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Makes every wait fail at once when stderr matches {@code pattern}, e.g. a Gogo command that threw:
     * the script stops there and the process would otherwise run until the timeout.
     */
    Child failFastOnStderr(Pattern pattern) {
        fatalStderr = pattern;
        return this;
    }

    private void checkStderr() {
        Pattern fatal = fatalStderr;
        if (fatal != null && fatal.matcher(stderr()).find()) {
            sleep(200); // let the rest of the stack trace arrive
            fail(name + " reported an error on stderr (/" + fatal + "/)\n" + describe());
        }
    }

    String stdout() {
        return out.toString();
    }

    String stderr() {
        return err.toString();
    }

    /** @return milliseconds since the process was started */
    long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Waits until stdout, from {@code from} on, matches {@code pattern}.
     *
     * @return the match
     */
    Matcher awaitStdout(int from, Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            String text = stdout();
            Matcher matcher = pattern.matcher(text);
            if (from <= text.length() && matcher.find(from)) {
                return matcher;
            }
            checkStderr();
            if (exited) {
                joinPumps();
                matcher = pattern.matcher(stdout());
                if (from <= stdout().length() && matcher.find(from)) {
                    return matcher;
                }
                return fail(name + " exited with " + process.exitValue() + " before printing /" + pattern + "/\n"
                        + describe());
            }
            if (System.nanoTime() > deadline) {
                return fail(name + " printed no /" + pattern + "/ within " + timeout + "\n" + describe());
            }
            sleep(5);
        }
    }

    /** Writes one line to the child's stdin. */
    void send(String line) {
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            fail("cannot write '" + line + "' to " + name + ": " + e + "\n" + describe(), e);
        }
    }

    void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone: awaitExit reports what happened
        }
    }

    /** @return the exit code; fails the test if the process is still running after {@code timeout} */
    int awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive()) {
            checkStderr();
            if (System.nanoTime() > deadline) {
                return fail(name + " still running after " + timeout + "\n" + describe());
            }
            sleep(5);
        }
        joinPumps();
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM, as a supervisor stopping a service does; {@link #awaitExit} waits for the end. */
    void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL and waits until the process is gone: as abrupt an end as a JVM can have. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                fail(name + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        joinPumps();
    }

    /** Everything the process printed, for assertion messages. */
    String describe() {
        String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
        return "---- " + name + " (" + state + ") stdout ----\n" + stdout() + "\n---- " + name + " stderr ----\n"
                + stderr() + "\n---- end of " + name + " ----";
    }

    private void joinPumps() {
        try {
            outPump.join(2000);
            errPump.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the process (and anything it started) without waiting for it to agree. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        joinPumps();
    }
}
