package org.kmemdump.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Times the exported runtime from process start until its shell has answered
 * {@code kmemdump:zones}, against the bare framework ({@code framework.jar}: the same bndrun without
 * the kmemdump bundles) until its shell has answered {@code echo}, alternating the two, one of
 * each per run, and prints the ratios of the medians: wall time, the child's CPU time and its peak
 * resident memory ({@code VmHWM} of {@code /proc/PID/status}), each read the moment the answer is
 * seen. The runtime's answer is the table's closing line ({@code "8 zones"}): the framework is
 * up, SCR has activated the core and its commands, and the Gogo shell has run the command.
 *
 * <p>Given a bundle with one DS component (the build's {@code log-burst.jar}, its burst off), it also
 * times the bare framework installing and starting that bundle from its shell before it answers:
 * SCR's first component (SCR parses its first component description with the JDK's XML parser)
 * costs any DS application, so the runtime against that start is what kmemdump adds itself.
 *
 * <p>Gosh runs the {@code -c} command once the shell bundle starts (it has the highest start
 * level), and the framework then keeps running: each child is killed once the line is seen
 * ({@link Process#destroyForcibly()}: nothing of its shutdown is worth waiting for). Each child
 * runs in its own temporary directory, used as working directory and {@code java.io.tmpdir}
 * (where bnd's launcher unpacks the bundles and Felix keeps its cache), deleted afterwards, so a
 * killed child leaves nothing behind and no run finds the cache of a previous one.
 *
 * <pre>java -cp benchmarks.jar org.kmemdump.benchmarks.StartupHarness features/target/kmemdump.jar features/target/framework.jar [log-burst.jar] [runs] [timeout-seconds]</pre>
 */
public final class StartupHarness {
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "startup: ratio ";

    /** A runtime to start, the shell command it runs, the line that says the command was answered, and the bundle it needs. */
    record Target(String label, Path jar, String command, Pattern answer, Path bundle) {
    }

    /** One start: until the answer, milliseconds of wall time and of CPU time, and the peak resident memory in KiB. */
    record Start(double wallMillis, double cpuMillis, long peakKib) {
    }

    private StartupHarness() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jars = Arrays.stream(args).takeWhile(arg -> arg.endsWith(".jar")).toList();
        List<String> numbers = Arrays.asList(args).subList(jars.size(), args.length);
        if (jars.size() < 2 || jars.size() > 3 || numbers.size() > 2) {
            System.err.println("usage: StartupHarness <kmemdump.jar> <framework.jar> [bundle with one DS component.jar]"
                    + " [runs, default 5] [timeout seconds per start, default 60]");
            System.exit(2);
        }
        Target runtime = new Target("kmemdump", Path.of(jars.get(0)).toAbsolutePath(), "kmemdump:zones", Pattern.compile("\\d+ zones"), null);
        Target bare = new Target("bare", Path.of(jars.get(1)).toAbsolutePath(), "echo shell-ready", Pattern.compile("shell-ready"), null);
        List<Target> targets = new ArrayList<>(List.of(bare, runtime));
        Target oneComponent = null;
        if (jars.size() == 3) {
            Path bundle = Path.of(jars.get(2)).toAbsolutePath();
            // Gogo's start installs a URL and starts it; SCR activates the component before start returns
            oneComponent = new Target("bare+1 component", bare.jar(), "start " + bundle.toUri() + "; echo shell-ready",
                    Pattern.compile("shell-ready"), bundle);
            targets.add(oneComponent);
        }
        int runs = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : 5;
        int timeout = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 60;
        for (Target target : targets) {
            for (Path jar : target.bundle() == null ? List.of(target.jar()) : List.of(target.jar(), target.bundle())) {
                if (!Files.isRegularFile(jar)) {
                    System.err.println("StartupHarness: no such jar: " + jar);
                    System.exit(2);
                }
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf("startup: %s, %d runs each, alternated, java %s%n", targets.stream()
                .map(target -> target.label() + " " + target.jar() + (target.bundle() == null ? "" : " starting " + target.bundle()))
                .collect(Collectors.joining("; ")), runs, Runtime.version());

        Map<Target, List<Start>> starts = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++) {
            StringBuilder line = new StringBuilder("startup: run " + run + ":");
            for (Target target : targets) {
                Start start = once(java, target, timeout);
                starts.computeIfAbsent(target, any -> new ArrayList<>()).add(start);
                line.append(' ').append(target.label()).append(' ').append(describe(start)).append(';');
            }
            System.out.println(line.substring(0, line.length() - 1));
        }
        StringBuilder medians = new StringBuilder("startup: medians until answered:");
        for (Target target : targets) {
            List<Start> each = starts.get(target);
            medians.append(String.format(" %s %.0f ms (CPU %.0f ms, peak %.1f MiB);", target.label(), median(each, Start::wallMillis),
                    median(each, Start::cpuMillis), median(each, start -> start.peakKib() / 1024.0)));
        }
        System.out.println(medians.substring(0, medians.length() - 1));
        StringBuilder result = new StringBuilder(RESULT).append(against(starts.get(runtime), starts.get(bare), "the bare framework"));
        if (oneComponent != null) {
            result.append("; ").append(against(starts.get(runtime), starts.get(oneComponent), "the bare framework with one DS component"));
        }
        System.out.println(result.append(String.format(" (medians of %d runs each)", runs)));
    }

    /** @return the runtime's medians against the baseline's, as ratios and memory difference */
    private static String against(List<Start> runtime, List<Start> baseline, String label) {
        double wall = median(runtime, Start::wallMillis);
        double baseWall = median(baseline, Start::wallMillis);
        double peak = median(runtime, start -> start.peakKib() / 1024.0);
        double basePeak = median(baseline, start -> start.peakKib() / 1024.0);
        return String.format("%.2f x %s (%.0f vs %.0f ms; CPU %.2f x; peak memory %.1f vs %.1f MiB, %+.1f MiB)", wall / baseWall, label,
                wall, baseWall, median(runtime, Start::cpuMillis) / median(baseline, Start::cpuMillis), peak, basePeak, peak - basePeak);
    }

    static String describe(Start start) {
        return String.format("%.0f ms, CPU %.0f ms, peak %.1f MiB", start.wallMillis(), start.cpuMillis(), start.peakKib() / 1024.0);
    }

    static Start once(String java, Target target, int timeoutSeconds) throws IOException, InterruptedException {
        Path dir = Scratch.directory("kmemdump-startup-");
        List<String> command = new ArrayList<>(List.of(java, "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + dir, "-Dkmemdump.directory=" + dir.resolve("kmemdump"),
                "-Dgosh.args=--nointeractive -c \"" + target.command() + "\"", "-jar", target.jar().toString()));
        if (target.bundle() != null) {
            command.add(1, "-Dkmemdump.burst=false"); // log-burst: its three lines only, no burst
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Deque<String> lastLines = new ArrayDeque<>();
        long start = System.nanoTime();
        Process child = builder.start();
        try {
            child.getOutputStream().close(); // --nointeractive: the shell reads nothing
            CompletableFuture<Start> seen = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().daemon().name("startup-stdout").start(() -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (!seen.isDone() && target.answer().matcher(line.strip()).matches()) {
                            double wall = (System.nanoTime() - start) / 1e6;
                            seen.complete(new Start(wall, cpuMillis(child), peakKib(child)));
                        }
                        synchronized (lastLines) {
                            lastLines.addLast(line);
                            if (lastLines.size() > 40) {
                                lastLines.removeFirst();
                            }
                        }
                    }
                    seen.completeExceptionally(new IllegalStateException("the runtime ended (exit "
                            + child.waitFor() + ") without answering '" + target.command() + "'"));
                } catch (IOException e) {
                    seen.completeExceptionally(new UncheckedIOException(e));
                } catch (InterruptedException e) {
                    seen.completeExceptionally(e);
                } catch (RuntimeException e) {
                    seen.completeExceptionally(e);
                }
            });
            try {
                return seen.get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                String why = e instanceof TimeoutException ? "no answer to '" + target.command() + "' within " + timeoutSeconds + " s"
                        : e.getCause().getMessage();
                stop(child);
                reader.join(5_000);
                synchronized (lastLines) {
                    throw new IllegalStateException("StartupHarness: " + target.label() + ": " + why + "; command " + command
                            + "; its last output:\n  " + String.join("\n  ", lastLines));
                }
            }
        } finally {
            stop(child);
            Scratch.delete(dir);
        }
    }

    private static double cpuMillis(Process child) {
        return child.info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("the CPU time of process " + child.pid() + " is not known here")) / 1e6;
    }

    /** @return the child's peak resident set, in KiB: the {@code VmHWM} line of {@code /proc/PID/status} (Linux) */
    private static long peakKib(Process child) {
        Path status = Path.of("/proc", Long.toString(child.pid()), "status");
        try {
            return Files.readAllLines(status).stream().filter(line -> line.startsWith("VmHWM:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no VmHWM line in " + status));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peak memory of process " + child.pid() + " from " + status, e);
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

    static <T> double median(List<T> values, ToDoubleFunction<T> value) {
        double[] sorted = values.stream().mapToDouble(value).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
