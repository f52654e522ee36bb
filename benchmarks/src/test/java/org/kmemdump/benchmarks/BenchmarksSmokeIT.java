package org.kmemdump.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One short run of every benchmark and harness, as {@code ./build.sh bench} runs them but on small
 * inputs, so a benchmark that no longer runs fails the build instead of dropping out of the next
 * bench summary: each must exit 0 and print the result the summary reads.
 */
class BenchmarksSmokeIT {
    private static final Path COLLECTOR = SmokeRun.property("kmemdump.collector.jar");

    @TempDir
    Path work;

    /** Every JMH benchmark, every parameter, one 100 ms iteration in the child's own JVM: each gives the row the summary expects. */
    @Test
    void everyJmhBenchmarkRunsAndHasItsSummaryRow() throws Exception {
        Path csv = work.resolve(BenchSummary.JMH_RESULTS);
        SmokeRun.run(work.resolve("jmh.txt"), "org.openjdk.jmh.Main", "-f", "0", "-wi", "0", "-i", "1", "-r", "100ms",
                "-foe", "true", "-rf", "csv", "-rff", csv.toString(), "org.kmemdump.benchmarks.");
        Map<String, BenchSummary.Score> scores = BenchSummary.jmhScores(csv);
        System.out.println("JMH smoke run: " + scores);
        assertEquals(new TreeSet<>(BenchSummary.JMH_ROWS.stream().map(BenchSummary.JmhRow::key).toList()),
                new TreeSet<>(scores.keySet()), "the JMH results against the bench summary's rows");
    }

    @Test
    void startupHarnessMeasuresTheRuntimeAgainstTheBareFramework() throws Exception {
        Path output = work.resolve("startup.txt");
        SmokeRun.run(output, StartupHarness.class.getName(), SmokeRun.property("kmemdump.jar").toString(),
                SmokeRun.property("kmemdump.framework.jar").toString(), SmokeRun.property("kmemdump.log.burst.jar").toString(), "1");
        String result = SmokeRun.assertResult(output, StartupHarness.RESULT);
        assertTrue(result.contains(" x the bare framework with one DS component ("), result);
    }

    @Test
    void crashStartupHarnessMeasuresPendingCrashesAgainstNone() throws Exception {
        Path output = work.resolve("crashstartup.txt");
        SmokeRun.run(output, CrashStartupHarness.class.getName(), SmokeRun.property("kmemdump.jar").toString(), "1");
        SmokeRun.assertResult(output, CrashStartupHarness.RESULT);
    }

    @Test
    void equinoxStartupHarnessMeasuresEquinoxAgainstFelix() throws Exception {
        Path output = work.resolve("startup-equinox.txt");
        SmokeRun.run(output, EquinoxStartupHarness.class.getName(), SmokeRun.property("kmemdump.equinox.jar").toString(),
                SmokeRun.property("kmemdump.jar").toString(), "1");
        SmokeRun.assertResult(output, EquinoxStartupHarness.RESULT);
    }

    @Test
    void webPageHarnessTimesThePageWith200ZonesAnd10Crashes() throws Exception {
        Path output = work.resolve("webpage.txt");
        SmokeRun.run(output, WebPageHarness.class.getName(), SmokeRun.property("kmemdump.web.jar").toString(),
                SmokeRun.property("kmemdump.zone.consumer.jar").toString(), "2");
        SmokeRun.assertResult(output, WebPageHarness.RESULT);
    }

    @Test
    void collectHarnessComparesCollectWithCp() throws Exception {
        Path output = work.resolve("collect.txt");
        SmokeRun.run(output, CollectHarness.class.getName(), COLLECTOR.toString(), "1", "16");
        String result = SmokeRun.assertResult(output, CollectHarness.RESULT);
        assertTrue(result.matches(".*; fixed cost \\d+ ms \\(--help \\d+ ms\\), the copy alone -?[0-9.]+ x wall, -?[0-9.]+ x CPU"), result);
    }

    @Test
    void logTailHarnessTimesTheCollectorsLog() throws Exception {
        Path output = work.resolve("logtail.txt");
        SmokeRun.run(output, LogTailHarness.class.getName(), COLLECTOR.toString(), "1", "2");
        SmokeRun.assertResult(output, LogTailHarness.RESULT);
    }

    @Test
    void logRingHarnessComparesTheRingOnAndOff() throws Exception {
        Path output = work.resolve("logring.txt");
        SmokeRun.run(output, LogRingHarness.class.getName(), SmokeRun.property(InProcessFelix.BUNDLES_PROPERTY).toString(),
                "1000", "1", "1");
        SmokeRun.assertResult(output, LogRingHarness.RESULT);
        SmokeRun.assertResult(output, AppendCost.RESULT);
    }

    @Test
    void threadsHarnessTimesSnapshotsAndIdleCpu() throws Exception {
        Path output = work.resolve("threads.txt");
        SmokeRun.run(output, ThreadsHarness.class.getName(), SmokeRun.property(InProcessFelix.BUNDLES_PROPERTY).toString(),
                "2", "50");
        SmokeRun.assertResult(output, ThreadsHarness.RESULT);
    }
}
