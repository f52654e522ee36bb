package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Runs after the bnd tester (same phase, declared after it in the pom) and reads its JUnit reports:
 * a tester that finds no tests, or a framework that starts none, reports success with zero tests
 * (seen with some tester and JUnit versions), so each framework's run must have run tests, in this
 * build, and the same number on Felix as on Equinox (the same suite).
 */
class BothFrameworksRanIT {
    private static final Path TARGET = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target");
    private static final Pattern TESTS = Pattern.compile("<testsuite [^>]*\\btests=\"(\\d+)\"");

    @Test
    void felixAndEquinoxEachRanTheWholeSuiteInThisBuild() throws IOException {
        int felix = testsRunBy("osgi-tests");
        int equinox = testsRunBy("osgi-tests-equinox");
        assertTrue(felix > 0, "the Felix run (osgi-tests.bndrun) ran no tests");
        assertEquals(felix, equinox, "tests run on Equinox (osgi-tests-equinox.bndrun) against Felix (osgi-tests.bndrun)");
    }

    /** @return the tests in the reports of the bndrun's run, which must be newer than the test bundle it ran */
    private static int testsRunBy(String bndrun) throws IOException {
        Path reports = TARGET.resolve("test-reports").resolve(bndrun);
        assertTrue(Files.isDirectory(reports), "no reports of " + bndrun + ".bndrun in " + reports);
        FileTime bundleBuilt = Files.getLastModifiedTime(testBundle());
        int tests = 0;
        try (Stream<Path> files = Files.list(reports)) {
            for (Path report : files.filter(file -> file.getFileName().toString().startsWith("TEST-")).toList()) {
                assertTrue(Files.getLastModifiedTime(report).compareTo(bundleBuilt) >= 0,
                        report + " is older than the test bundle: a stale report of an earlier build");
                Matcher suite = TESTS.matcher(Files.readString(report));
                while (suite.find()) {
                    tests += Integer.parseInt(suite.group(1));
                }
            }
        }
        return tests;
    }

    private static Path testBundle() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> bundles = files.filter(file -> file.getFileName().toString().matches("osgi-tests-.*\\.jar")).toList();
            assertEquals(1, bundles.size(), "the test bundle in " + TARGET + ": " + bundles);
            return bundles.get(0);
        }
    }
}
