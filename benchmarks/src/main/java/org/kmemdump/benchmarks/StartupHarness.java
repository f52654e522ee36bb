package org.kmemdump.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Times the exported runtime from process start until it has answered {@code kmemdump:zones}:
 * starts {@code java -jar kmemdump.jar} N times, each with
 * {@code -Dgosh.args=--nointeractive -c "kmemdump:zones"}, and stops the clock at the table's
 * closing line ({@code "7 zones"}). That line means the framework is up, SCR has activated the
 * core and its commands, and the Gogo shell has run the command.
 *
 * <p>Gosh runs the {@code -c} command once the shell bundle starts (it has the highest start
 * level), and the framework then keeps running: each child is killed once the line is seen
 * ({@link Process#destroyForcibly()}: nothing of its shutdown is worth waiting for). Each child
 * runs in its own temporary directory, used as working directory and {@code java.io.tmpdir}
 * (where bnd's launcher unpacks the bundles and Felix keeps its cache), deleted afterwards, so a
 * killed child leaves nothing behind and no run finds the cache of a previous one.
 *
 * <pre>java -cp benchmarks.jar org.kmemdump.benchmarks.StartupHarness features/target/kmemdump.jar [runs] [timeout-seconds]</pre>
 */
public final class StartupHarness {
    /** The zones table's closing line: {@code "<count> zones"}. */
    private static final Pattern ZONES_LINE = Pattern.compile("\\d+ zones");
    private static final String GOSH_ARGS = "-Dgosh.args=--nointeractive -c \"kmemdump:zones\"";

    private StartupHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: StartupHarness <kmemdump.jar> [runs, default 5] [timeout seconds per run, default 60]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int timeout = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        if (!Files.isRegularFile(jar)) {
            System.err.println("StartupHarness: no such jar: " + jar);
            System.exit(2);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf("startup: %s, %d runs, java %s%n", jar, runs, Runtime.version());

        double[] millis = new double[runs];
        for (int run = 0; run < runs; run++) {
            millis[run] = once(java, jar, timeout);
            System.out.printf("startup: run %d: %.0f ms%n", run + 1, millis[run]);
        }
        Arrays.sort(millis);
        System.out.printf("startup: min %.0f ms, median %.0f ms, max %.0f ms (%d runs, until '%s' answered)%n",
                millis[0], median(millis), millis[runs - 1], runs, "kmemdump:zones");
    }

    private static double once(String java, Path jar, int timeoutSeconds) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kmemdump-startup-");
        List<String> command = List.of(java, "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + dir, GOSH_ARGS, "-jar", jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Deque<String> lastLines = new ArrayDeque<>();
        long start = System.nanoTime();
        Process child = builder.start();
        try {
            child.getOutputStream().close(); // --nointeractive: the shell reads nothing
            CompletableFuture<Long> seen = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().daemon().name("startup-stdout").start(() -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (!seen.isDone() && ZONES_LINE.matcher(line.strip()).matches()) {
                            seen.complete(System.nanoTime());
                        }
                        synchronized (lastLines) {
                            lastLines.addLast(line);
                            if (lastLines.size() > 40) {
                                lastLines.removeFirst();
                            }
                        }
                    }
                    seen.completeExceptionally(new IllegalStateException("the runtime ended (exit "
                            + child.waitFor() + ") without printing the zones table"));
                } catch (IOException e) {
                    seen.completeExceptionally(new UncheckedIOException(e));
                } catch (InterruptedException e) {
                    seen.completeExceptionally(e);
                }
            });
            long end;
            try {
                end = seen.get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                String why = e instanceof TimeoutException ? "no zones table within " + timeoutSeconds + " s"
                        : e.getCause().getMessage();
                stop(child);
                reader.join(5_000);
                synchronized (lastLines) {
                    throw new IllegalStateException("StartupHarness: " + why + "; command " + command
                            + "; its last output:\n  " + String.join("\n  ", lastLines));
                }
            }
            return (end - start) / 1e6;
        } finally {
            stop(child);
            Scratch.delete(dir);
        }
    }

    private static void stop(Process child) throws InterruptedException {
        if (!child.isAlive()) {
            return;
        }
        child.descendants().forEach(ProcessHandle::destroyForcibly);
        child.destroyForcibly();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("StartupHarness: runtime process " + child.pid() + " outlived SIGKILL for 10 s");
        }
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

}
