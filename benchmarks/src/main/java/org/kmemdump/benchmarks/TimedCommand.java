package org.kmemdump.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command's wall time and CPU time (user + system, the kernel's work for it included), in
 * milliseconds: the CPU time is what a shared machine's other load does not inflate. The command
 * runs under {@code sh}, whose {@code times} reports its child's; its output is discarded, its
 * errors are shown.
 */
record TimedCommand(long wallMillis, long cpuMillis) {
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s");

    /** @throws IllegalStateException when the command exits with more than {@code highestExit} or takes over 10 minutes */
    static TimedCommand run(List<String> command, int highestExit) throws IOException, InterruptedException {
        List<String> shell = new ArrayList<>(List.of("sh", "-c", "\"$0\" \"$@\" >/dev/null; status=$?; times; exit $status"));
        shell.addAll(command);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(shell).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String times = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " took more than 10 minutes");
        }
        long wall = (System.nanoTime() - start) / 1_000_000;
        if (process.exitValue() > highestExit) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + process.exitValue());
        }
        return new TimedCommand(wall, childCpuMillis(times));
    }

    /** @return the median of {@code metric} over {@code runs} (the upper one of an even count) */
    static long median(List<TimedCommand> runs, ToLongFunction<TimedCommand> metric) {
        return runs.stream().mapToLong(metric).sorted().toArray()[runs.size() / 2];
    }

    /** @return the children's user + system time from {@code times}'s second line, {@code 0m1.234s 0m0.567s} */
    static long childCpuMillis(String times) {
        String[] lines = times.strip().split("\\n");
        Matcher matcher = TIMES.matcher(lines[lines.length - 1]);
        long millis = 0;
        int found = 0;
        while (matcher.find()) {
            millis += Long.parseLong(matcher.group(1)) * 60_000 + Math.round(Double.parseDouble(matcher.group(2)) * 1000);
            found++;
        }
        if (found != 2) {
            throw new IllegalStateException("cannot read the CPU times from the shell's 'times': " + times);
        }
        return millis;
    }
}
