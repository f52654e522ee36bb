package org.kmemdump.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one benchmark main class as {@code ./build.sh bench} does: a child JVM on the JDK of the
 * tests, the benchmarks' classes and runtime class path, the same JVM options, and fails the test
 * when it does not end in time or exits non-zero.
 */
final class SmokeRun {
    private static final long MINUTES = 5;

    private SmokeRun() {
    }

    /** @return the child's output (stdout and stderr), saved in {@code output} */
    static List<String> run(Path output, String mainClass, String... args) throws IOException, InterruptedException {
        Path target = Path.of("target").toAbsolutePath();
        String classPath = target.resolve("classes") + ":" + Files.readString(target.resolve("classpath.txt")).strip();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-D" + InProcessFelix.BUNDLES_PROPERTY + "=" + System.getProperty(InProcessFelix.BUNDLES_PROPERTY),
                "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!child.waitFor(MINUTES, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor();
            fail(mainClass + " did not end within " + MINUTES + " minutes; its output:\n" + Files.readString(output));
        }
        List<String> lines = Files.readAllLines(output);
        assertEquals(0, child.exitValue(), () -> mainClass + " exited with " + child.exitValue() + "; its output:\n"
                + String.join("\n", lines));
        return lines;
    }

    /** Fails unless {@code output} has the harness's result line, as the bench summary reads it. */
    /** @return the result line, less its prefix */
    static String assertResult(Path output, String prefix) throws IOException {
        Optional<String> result = BenchSummary.harnessResult(output, prefix);
        assertTrue(result.isPresent(), () -> "no line '" + prefix + "...' in the output:\n" + read(output));
        System.out.println(prefix + result.get());
        return result.get();
    }

    static Path property(String name) {
        String value = System.getProperty(name);
        assertTrue(value != null, "no system property " + name + " (the benchmarks module's failsafe configuration sets it)");
        return Path.of(value).toAbsolutePath();
    }

    private static String read(Path output) {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
