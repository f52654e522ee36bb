package org.kmemdump.features;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The distribution's start script (target/kmemdump), run as a user would, on the JDK 25 that runs the tests. */
final class StartScript {
    static final Path SCRIPT = Path.of(System.getProperty("kmemdump.script", "missing-system-property-kmemdump.script")).toAbsolutePath();
    static final Path TEST_BUNDLES = Path.of(System.getProperty("kmemdump.test.bundles", "missing-system-property-kmemdump.test.bundles"))
            .toAbsolutePath();
    /** The JDK whose bin/java runs the tests: the script finds java through JAVA_HOME. */
    static final Path JAVA_HOME = Path.of(Runtimes.JAVA).getParent().getParent();

    private StartScript() {
    }

    /** Starts the script in {@code work} with {@code options} (JVM options, as a user gives them) and {@code javaHome}. */
    static Child start(String name, Path work, Path javaHome, String... options) {
        List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + javaHome, SCRIPT.toString()));
        command.addAll(List.of(options));
        return Child.start(name, command, work);
    }

    /**
     * The runtime with the test bundle fatal-crash started, which ends the JVM as {@code end} says
     * (segv, exit, oom, or none), then the Gogo commands {@code gogo}, with the JVM options
     * {@code options} too; temp files and the kmemdump directory go to {@code work}, as
     * {@link Runtimes#start} does.
     */
    static Child withFatalCrash(String name, Path work, String end, String gogo, String... options) {
        List<String> all = new ArrayList<>(List.of("-Djava.io.tmpdir=" + work, "-Dkmemdump.directory=" + Runtimes.kmemdumpDirectory(work),
                "-Dkmemdump.fatal.end=" + end, "-XX:-CreateCoredumpOnCrash",
                "-Dgosh.args=--nointeractive -c start file:" + TEST_BUNDLES.resolve("fatal-crash.jar") + gogo));
        all.addAll(List.of(options));
        return start(name, work, JAVA_HOME, all.toArray(String[]::new))
                .failFastOnStderr(Pattern.compile("^gogo: |Exception", Pattern.MULTILINE));
    }
}
