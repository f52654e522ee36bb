package org.kmemdump.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.RunFiles;

/**
 * Times the runtime from process start until its shell has answered {@code kmemdump:zones} with
 * {@value #PENDING} crashes of the default 64 MiB arena waiting in its crash store, against the
 * same start with an empty directory, alternating the two; and when the background collection of
 * the {@value #PENDING} is done (their last {@code summary.json}), from process start: it starts once
 * the framework has finished starting (after the launcher's start level raise), so it follows the start-up. The crashes are copies (sparse, {@code cp --sparse=always}) of the files a
 * real runtime left when it was SIGKILLed once its shell had answered.
 *
 * <pre>java -cp benchmarks.jar org.kmemdump.benchmarks.CrashStartupHarness features/target/kmemdump.jar [runs] [timeout-seconds]</pre>
 */
public final class CrashStartupHarness {
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "crash startup: ratio ";
    static final int PENDING = 3;
    private static final Pattern ANSWER = Pattern.compile("\\d+ zones");

    private CrashStartupHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: CrashStartupHarness <kmemdump.jar> [runs, default 5] [timeout seconds per start, default 60]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int timeout = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        if (!Files.isRegularFile(jar)) {
            System.err.println("CrashStartupHarness: no such jar: " + jar);
            System.exit(2);
        }
        Path crashed = Scratch.directory("kmemdump-crashed-");
        try {
            Process killed = start(jar, crashed);
            answered(killed, timeout);
            stop(killed);
            System.out.printf("crash startup: %s with %d pending crashes (copies of %s) against none, %d runs each, alternated%n", jar,
                    PENDING, runFiles(kmemdump(crashed)), runs);
            double[] none = new double[runs];
            double[] pending = new double[runs];
            double[] collection = new double[runs];
            for (int run = 0; run < runs; run++) {
                none[run] = once(jar, timeout, null, null);
                double[] collected = new double[1];
                pending[run] = once(jar, timeout, kmemdump(crashed), collected);
                collection[run] = collected[0];
                System.out.printf("crash startup: run %d: none %.0f ms, %d pending %.0f ms, all collected %.0f ms after process start%n",
                        run + 1, none[run], PENDING, pending[run], collection[run]);
            }
            System.out.printf(RESULT + "%.2f x with %d pending 64 MiB crashes vs none (%.0f vs %.0f ms; ranges %.0f-%.0f vs %.0f-%.0f ms);"
                    + " all collected in the background %.0f ms after process start (range %.0f-%.0f; medians of %d runs each)%n",
                    median(pending) / median(none), PENDING, median(pending), median(none), min(pending), max(pending), min(none), max(none),
                    median(collection), min(collection), max(collection), runs);
        } finally {
            Scratch.delete(crashed);
        }
    }

    /**
     * One start in a fresh directory; with {@code crashedRun}, {@value #PENDING} copies of its run
     * files wait there as crash entries, and {@code collected[0]} is set to the milliseconds from
     * process start until all are collected.
     *
     * @return milliseconds from process start until the shell answered
     */
    private static double once(Path jar, int timeout, Path crashedRun, double[] collected) throws Exception {
        Path dir = Scratch.directory("kmemdump-crashstart-");
        try {
            Path crashes = Files.createDirectories(kmemdump(dir).resolve(CrashEntry.CRASHES));
            Files.setPosixFilePermissions(kmemdump(dir), PosixFilePermissions.fromString("rwx------"));
            List<Path> entries = new ArrayList<>();
            if (crashedRun != null) {
                for (int i = 0; i < PENDING; i++) {
                    Path entry = Files.createDirectory(crashes.resolve(CrashEntry.id(1_764_633_600_000L + i * 1000L, 100_000 + i)));
                    for (Path file : runFiles(crashedRun)) {
                        copySparse(file, entry.resolve(file.getFileName()));
                    }
                    entries.add(entry);
                }
            }
            long begin = System.nanoTime();
            Process child = start(jar, dir);
            try {
                double shellReady = answered(child, timeout) - begin;
                if (collected != null) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
                    while (!entries.stream().allMatch(entry -> Files.exists(entry.resolve(CrashEntry.SUMMARY_JSON)))) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("CrashStartupHarness: the pending crashes were not collected within " + timeout + " s");
                        }
                        Thread.sleep(5);
                    }
                    collected[0] = (System.nanoTime() - begin) / 1e6;
                }
                return shellReady / 1e6;
            } finally {
                stop(child);
            }
        } finally {
            Scratch.delete(dir);
        }
    }

    private static Path kmemdump(Path dir) {
        return dir.resolve("kmemdump");
    }

    private static Process start(Path jar, Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + dir, "-Dkmemdump.directory=" + kmemdump(dir), "-Dgosh.args=--nointeractive -c kmemdump:zones",
                "-jar", jar.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        child.getOutputStream().close();
        return child;
    }

    /** @return {@link System#nanoTime()} when the shell's answer was read */
    private static long answered(Process child, int timeoutSeconds) throws Exception {
        CompletableFuture<Long> seen = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (ANSWER.matcher(line.strip()).matches()) {
                        seen.complete(System.nanoTime());
                    }
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                seen.completeExceptionally(e);
            }
            seen.completeExceptionally(new IllegalStateException("the runtime ended without answering"));
        });
        try {
            return seen.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            stop(child);
            synchronized (output) {
                throw new IllegalStateException("CrashStartupHarness: no answer to kmemdump:zones (" + e + "); its output:\n" + output, e);
            }
        }
    }

    static List<Path> runFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> RunFiles.isRunFile(file.getFileName().toString()) && Files.isRegularFile(file)).sorted().toList();
        }
    }

    /** The arena is sparse: a plain copy would write its 64 MiB. */
    static void copySparse(Path from, Path to) throws IOException, InterruptedException {
        Process cp = new ProcessBuilder("cp", "--sparse=always", from.toString(), to.toString()).inheritIO().start();
        if (cp.waitFor() != 0) {
            throw new IOException("cp --sparse=always " + from + " " + to + " failed with " + cp.exitValue());
        }
    }

    static void stop(Process child) throws InterruptedException {
        child.descendants().forEach(ProcessHandle::destroyForcibly);
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(0);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
