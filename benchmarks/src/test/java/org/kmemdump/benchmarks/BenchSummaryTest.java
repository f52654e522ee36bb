package org.kmemdump.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchSummaryTest {
    private static final String HEADER = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\",\"Param: backend\"";

    @TempDir
    Path target;

    @Test
    void everyRowPresentGivesTheRatiosAndNothingMissing() throws IOException {
        writeJmh(everyJmhKey());
        writeHarnesses(BenchSummary.HARNESS_ROWS);

        BenchSummary.Summary summary = BenchSummary.summarize(target);

        assertEquals(List.of(), summary.missing());
        assertTrue(summary.lines().stream().anyMatch(line -> line.matches("ratio registry pair/CHM \\(default\\): +50\\.0 x")),
                () -> String.join("\n", summary.lines()));
        assertTrue(summary.lines().stream().anyMatch(line -> line.matches("ratio minidump table/10 us target: +0\\.1 x")),
                () -> String.join("\n", summary.lines()));
    }

    @Test
    void aFailedBenchmarkOrHarnessIsAMissingRowNamed() throws IOException {
        List<String> keys = everyJmhKey();
        keys.remove("registryPair:minidump");
        writeJmh(keys);
        writeHarnesses(BenchSummary.HARNESS_ROWS.subList(1, BenchSummary.HARNESS_ROWS.size()));
        // a harness that failed after its first lines: the file is there, the result line is not
        Files.writeString(target.resolve("startup.txt"), "startup: run 1: kmemdump 900 ms\n");

        BenchSummary.Summary summary = BenchSummary.summarize(target);

        assertEquals(List.of("registryPair:minidump", "startup.txt"), summary.missing());
        assertTrue(summary.lines().contains(String.format("%-36s MISSING (no JMH result registryPair:minidump)",
                "registry pair, minidump backend:")), () -> String.join("\n", summary.lines()));
    }

    @Test
    void noResultsAtAllIsEveryRowMissing() throws IOException {
        BenchSummary.Summary summary = BenchSummary.summarize(target);

        assertEquals(BenchSummary.JMH_ROWS.size() + BenchSummary.HARNESS_ROWS.size(), summary.missing().size());
    }

    @Test
    void aBenchmarkWithoutARowFailsTheSummary() throws IOException {
        List<String> keys = everyJmhKey();
        keys.add("newOne");
        writeJmh(keys);
        writeHarnesses(BenchSummary.HARNESS_ROWS);

        assertEquals(List.of("row-for-newOne"), BenchSummary.summarize(target).missing());
    }

    private static List<String> everyJmhKey() {
        return new ArrayList<>(BenchSummary.JMH_ROWS.stream().map(BenchSummary.JmhRow::key).toList());
    }

    /** JMH's CSV as it writes it (CRLF, quoted text, a profiler's row after each): the map's pair 20 ns, all else 1000 ns. */
    private void writeJmh(List<String> keys) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (String key : keys) {
            String[] parts = key.split(":");
            String score = parts[0].equals("chmPair") ? "20.0" : "1000.0";
            lines.add("\"org.kmemdump.benchmarks.SomeBenchmark." + parts[0] + "\",\"avgt\",1,5," + score + ",1.5,\"ns/op\","
                    + (parts.length > 1 ? "\"" + parts[1] + "\"" : ""));
            lines.add("\"org.kmemdump.benchmarks.SomeBenchmark." + parts[0] + ":gc.alloc.rate\",\"avgt\",1,5,3.0,NaN,\"MB/sec\",");
        }
        Files.writeString(target.resolve(BenchSummary.JMH_RESULTS), String.join("\r\n", lines) + "\r\n");
    }

    private void writeHarnesses(List<BenchSummary.HarnessRow> rows) throws IOException {
        for (BenchSummary.HarnessRow row : rows) {
            Files.writeString(target.resolve(row.file()), "some progress\n" + row.prefix() + "1.23 x\n");
        }
    }
}
