package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Declarative Services left in a killed JVM: a child runs the real distribution with a test
 * bundle whose components are in trouble (one waits for a service nobody registers, one's
 * constructor throws, one logs through java.util.logging), is killed with SIGKILL, and the
 * collector's {@code components} shows both troubled components with the reason, {@code log} the
 * constructor exception's real cause and the JUL record.
 */
class ComponentsCrashIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path RUNTIME = Path.of(System.getProperty("kmemdump.kinfo.jar", "missing-kmemdump.kinfo.jar")).toAbsolutePath();
    private static final Path TEST_BUNDLES = Path.of(System.getProperty("kmemdump.test.bundles", "missing-kmemdump.test.bundles"))
            .toAbsolutePath();
    private static final String WAITING = "component-trouble  org.kmemdump.itest.trouble.Waiting  UNSATISFIED_REFERENCE\n"
            + "    waits for: missing org.kmemdump.itest.trouble.Missing (name=never)\n";

    @TempDir
    Path work;

    private CollectorJar.Result collector(String command) {
        return CollectorJar.run(work, command, Runtimes.kmemdumpDirectory(work).toString());
    }

    @Test
    void aKilledRuntimesComponentsAndTheRealCauseOfAFailedConstructor() {
        try (Child runtime = Runtimes.start("runtime", RUNTIME, work,
                "-Dgosh.args=--nointeractive -c start file:" + TEST_BUNDLES.resolve("component-trouble.jar") + "; kmemdump:zones")) {
            runtime.awaitStdout(0, Pattern.compile("(?m)^arena: "), TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            CollectorJar.Result live = collector("components");
            while (!(live.stdout().contains(WAITING) && live.stdout().contains("caused by: java.lang.IllegalStateException"))) {
                assertTrue(System.nanoTime() < deadline, "the live components never showed both\n" + live.output());
                sleep(100);
                live = collector("components");
            }
            runtime.kill();
        }
        CollectorJar.Result dead = collector("components");
        assertEquals(0, dead.exit(), dead.output());
        assertTrue(dead.stdout().contains(WAITING), dead.output());
        assertTrue(Pattern.compile("(?m)^\\[\\d+\\] component-trouble  org.kmemdump.itest.trouble.Broken  FAILED_ACTIVATION\n"
                + "    failure: java.lang.reflect.InvocationTargetException at .*\n"
                + "      caused by: java.lang.IllegalStateException: no database: the test bundle's constructor fails on purpose"
                + " at org.kmemdump.itest.trouble.Broken.<init>\\(Broken.java:\\d+\\)$").matcher(dead.stdout()).find(), dead.output());
        assertTrue(Pattern.compile("(?m)^snapshot \\d+ taken .*, dead$").matcher(dead.stdout()).find(), dead.output());

        CollectorJar.Result log = collector("log");
        assertEquals(0, log.exit(), log.output());
        assertTrue(Pattern.compile("(?m)^      caused by: java.lang.IllegalStateException: no database: the test bundle's constructor fails"
                + " on purpose at org.kmemdump.itest.trouble.Broken.<init>\\(Broken.java:\\d+\\)$").matcher(log.stdout()).find(),
                "the real cause, where the application threw it\n" + log.output());
        assertTrue(Pattern.compile("(?m) WARN  jul:org.kmemdump.itest.trouble \\[-\\] a java.util.logging warning from component-trouble$")
                .matcher(log.stdout()).find(), log.output());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
