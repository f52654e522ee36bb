package org.kmemdump.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Times the Equinox distribution ({@code kmemdump-equinox.jar}) against the Felix one
 * ({@code kmemdump.jar}, the same bundles) from process start until the shell has answered
 * {@code kmemdump:zones}, alternating the two, one of each per run, the way {@link StartupHarness}
 * starts and measures each child. Prints the ratio of the median wall times, each framework's
 * median and range, and the ratios of CPU time and peak resident memory.
 *
 * <pre>java -cp benchmarks.jar org.kmemdump.benchmarks.EquinoxStartupHarness features/target/kmemdump-equinox.jar features/target/kmemdump.jar [runs] [timeout-seconds]</pre>
 */
public final class EquinoxStartupHarness {
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "startup equinox: ratio ";

    private EquinoxStartupHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: EquinoxStartupHarness <kmemdump-equinox.jar> <kmemdump.jar> [runs, default 5] [timeout seconds per start, default 60]");
            System.exit(2);
        }
        Pattern zones = Pattern.compile("\\d+ zones");
        StartupHarness.Target equinox = new StartupHarness.Target("equinox", Path.of(args[0]).toAbsolutePath(), "kmemdump:zones", zones, null);
        StartupHarness.Target felix = new StartupHarness.Target("felix", Path.of(args[1]).toAbsolutePath(), "kmemdump:zones", zones, null);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int timeout = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        for (StartupHarness.Target target : List.of(equinox, felix)) {
            if (!Files.isRegularFile(target.jar())) {
                System.err.println("EquinoxStartupHarness: no such jar: " + target.jar());
                System.exit(2);
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf("startup equinox: %s against %s, %d runs each, alternated, java %s%n", equinox.jar(), felix.jar(), runs,
                Runtime.version());

        List<StartupHarness.Start> equinoxStarts = new ArrayList<>();
        List<StartupHarness.Start> felixStarts = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            StartupHarness.Start f = StartupHarness.once(java, felix, timeout);
            StartupHarness.Start e = StartupHarness.once(java, equinox, timeout);
            felixStarts.add(f);
            equinoxStarts.add(e);
            System.out.printf("startup equinox: run %d: equinox %s; felix %s%n", run, StartupHarness.describe(e), StartupHarness.describe(f));
        }
        double wall = StartupHarness.median(equinoxStarts, StartupHarness.Start::wallMillis);
        double felixWall = StartupHarness.median(felixStarts, StartupHarness.Start::wallMillis);
        double cpu = StartupHarness.median(equinoxStarts, StartupHarness.Start::cpuMillis);
        double felixCpu = StartupHarness.median(felixStarts, StartupHarness.Start::cpuMillis);
        double peak = StartupHarness.median(equinoxStarts, start -> start.peakKib() / 1024.0);
        double felixPeak = StartupHarness.median(felixStarts, start -> start.peakKib() / 1024.0);
        System.out.printf(RESULT + "%.2f x Felix until 'kmemdump:zones' answered (equinox %.0f ms, range %s; felix %.0f ms, range %s;"
                + " CPU %.2f x; peak memory %.1f vs %.1f MiB; medians of %d runs each)%n", wall / felixWall, wall, range(equinoxStarts),
                felixWall, range(felixStarts), cpu / felixCpu, peak, felixPeak, runs);
    }

    private static String range(List<StartupHarness.Start> starts) {
        return String.format("%.0f-%.0f", starts.stream().mapToDouble(StartupHarness.Start::wallMillis).min().orElseThrow(),
                starts.stream().mapToDouble(StartupHarness.Start::wallMillis).max().orElseThrow());
    }
}
