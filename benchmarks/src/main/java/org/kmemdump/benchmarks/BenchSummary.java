package org.kmemdump.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The closing summary of {@code ./build.sh bench}: one line per measurement, from JMH's CSV results
 * and the harnesses' outputs in {@code benchmarks/target}, with the ratios. Every row it expects
 * is printed; one without a result is printed as missing and named again at the end, and the exit
 * status is then 1, so a benchmark that failed is never just a shorter summary. JMH results it
 * does not expect (a new benchmark) are printed too, and make it fail the same way until they
 * get a row here.
 *
 * <pre>java -cp ... org.kmemdump.benchmarks.BenchSummary benchmarks/target</pre>
 */
public final class BenchSummary {
    static final String JMH_RESULTS = "jmh-result.csv";

    /** A row from JMH: the benchmark method's name, and its parameter value when it has one. */
    record JmhRow(String label, String key) {
    }

    /** A row from a harness: the file build.sh saved its output in, and how its result line begins. */
    record HarnessRow(String label, String file, String prefix) {
    }

    static final List<JmhRow> JMH_ROWS = List.of(
            new JmhRow("registry pair, default backend:", "registryPair:default"),
            new JmhRow("registry pair, minidump backend:", "registryPair:minidump"),
            new JmhRow("ConcurrentHashMap put+remove:", "chmPair"),
            new JmhRow("backend swap no-op<->no-op, 200:", "swap:noop"),
            new JmhRow("backend swap no-op<->minidump, 200:", "swap:minidump"),
            new JmhRow("minidump table, 200 in and out:", "minidumpTableSwap"),
            new JmhRow("log ring append, 1 MiB ring:", "ringAppend"),
            new JmhRow("plain copy of the record's bytes:", "plainCopy"));

    static final List<HarnessRow> HARNESS_ROWS = List.of(
            new HarnessRow("startup to shell-ready vs bare:", "startup.txt", StartupHarness.RESULT),
            new HarnessRow("startup, 3 pending crashes vs none:", "crashstartup.txt", CrashStartupHarness.RESULT),
            new HarnessRow("startup to shell-ready, Equinox vs Felix:", "startup-equinox.txt", EquinoxStartupHarness.RESULT),
            new HarnessRow("collect 1 GiB vs cp of the arena:", "collect.txt", CollectHarness.RESULT),
            new HarnessRow("log -n 1000, 64 MiB vs 1 MiB ring:", "logtail.txt", LogTailHarness.RESULT),
            new HarnessRow("log call, ring on vs off:", "logring.txt", LogRingHarness.RESULT),
            new HarnessRow("threads snapshot, idle CPU:", "threads.txt", ThreadsHarness.RESULT),
            new HarnessRow("web page, 200 zones 10 crashes:", "webpage.txt", WebPageHarness.RESULT));

    /** Issue 11's target for the minidump table: 200 zones into and out of it in at most 10 µs. */
    static final double MINIDUMP_TABLE_TARGET_MICROS = 10;

    /** One JMH result: score, error (NaN with a single iteration) and unit. */
    record Score(double score, double error, String unit) {
        /** @return the score in µs per operation, or NaN when the unit is not a time per operation */
        double microsPerOp() {
            return switch (unit) {
                case "ns/op" -> score / 1e3;
                case "us/op" -> score;
                case "ms/op" -> score * 1e3;
                case "s/op" -> score * 1e6;
                default -> Double.NaN;
            };
        }

        @Override
        public String toString() {
            return String.format("%10.3f ± %.3f %s", score, error, unit);
        }
    }

    /** The summary's lines, and the labels of the rows that had no result (or, for JMH, no row). */
    record Summary(List<String> lines, List<String> missing) {
    }

    private BenchSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BenchSummary <directory of jmh-result.csv and the harness outputs>");
            System.exit(2);
        }
        Path target = Path.of(args[0]);
        Summary summary = summarize(target);
        System.out.println("== kmemdump bench summary (JMH: " + target.resolve(JMH_RESULTS) + ") ==");
        summary.lines().forEach(System.out::println);
        if (!summary.missing().isEmpty()) {
            System.out.println(summary.missing().size() + " rows missing, their benchmark or harness failed or did not run"
                    + " (see its output above): " + String.join(" ", summary.missing()));
            System.exit(1);
        }
    }

    static Summary summarize(Path target) throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, Score> scores = jmhScores(target.resolve(JMH_RESULTS));
        for (JmhRow row : JMH_ROWS) {
            Score score = scores.get(row.key());
            if (score == null) {
                lines.add(String.format("%-36s MISSING (no JMH result %s)", row.label(), row.key()));
                missing.add(row.key());
            } else {
                lines.add(String.format("%-36s %s", row.label(), score));
            }
        }
        ratio(lines, "ratio registry pair/CHM (default):", scores.get("registryPair:default"), scores.get("chmPair"));
        ratio(lines, "ratio registry pair/CHM (minidump):", scores.get("registryPair:minidump"), scores.get("chmPair"));
        ratio(lines, "ratio ring append/plain copy:", scores.get("ringAppend"), scores.get("plainCopy"));
        Score minidumpTable = scores.get("minidumpTableSwap");
        if (minidumpTable != null && !Double.isNaN(minidumpTable.microsPerOp())) {
            lines.add(String.format("%-36s %10.1f x", "ratio minidump table/10 us target:",
                    minidumpTable.microsPerOp() / MINIDUMP_TABLE_TARGET_MICROS));
        }
        Map<String, Score> unexpected = new LinkedHashMap<>(scores);
        JMH_ROWS.forEach(row -> unexpected.remove(row.key()));
        unexpected.forEach((key, score) -> {
            lines.add(String.format("%-36s %s (a benchmark without a row in BenchSummary)", key + ":", score));
            missing.add("row-for-" + key);
        });
        for (HarnessRow row : HARNESS_ROWS) {
            Optional<String> result = harnessResult(target.resolve(row.file()), row.prefix());
            lines.add(String.format("%-36s %s", row.label(), result.orElse("MISSING (no line '" + row.prefix() + "...' in "
                    + row.file() + ")")));
            if (result.isEmpty()) {
                missing.add(row.file());
            }
        }
        return new Summary(lines, missing);
    }

    private static void ratio(List<String> lines, String label, Score numerator, Score denominator) {
        if (numerator != null && denominator != null && numerator.unit().equals(denominator.unit())) {
            lines.add(String.format("%-36s %10.1f x", label, numerator.score() / denominator.score()));
        }
    }

    /** @return the result line's text after {@code prefix}, if the file has one */
    static Optional<String> harnessResult(Path output, String prefix) throws IOException {
        if (!Files.isRegularFile(output)) {
            return Optional.empty();
        }
        return Files.readAllLines(output).stream().filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length())).reduce((first, last) -> last);
    }

    /**
     * @return the scores of JMH's CSV, by key: the method's simple name, then {@code :} and the
     *         parameter values if it has any ({@code "Benchmark","Mode","Threads","Samples","Score",
     *         "Score Error (99.9%)","Unit","Param: ..."}; profilers add rows named {@code method:metric})
     */
    static Map<String, Score> jmhScores(Path csv) throws IOException {
        Map<String, Score> scores = new LinkedHashMap<>();
        if (!Files.isRegularFile(csv)) {
            return scores;
        }
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty() || !lines.get(0).startsWith("\"Benchmark\",")) {
            return scores;
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.replaceAll("[\"\r]", "").split(",", -1);
            if (cells.length < 7 || cells[0].contains(":")) {
                continue;
            }
            String method = cells[0].substring(cells[0].lastIndexOf('.') + 1);
            StringBuilder key = new StringBuilder(method);
            for (int param = 7; param < cells.length; param++) {
                if (!cells[param].isEmpty()) {
                    key.append(':').append(cells[param]);
                }
            }
            scores.put(key.toString(), new Score(Double.parseDouble(cells[4]), Double.parseDouble(cells[5]), cells[6]));
        }
        return scores;
    }
}
