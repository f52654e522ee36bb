package org.kmemdump.features;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Starts an exported runtime jar as a child JVM, with the JDK 25 that runs the tests. */
final class Runtimes {
    /** The JVM running this test is the JDK 25 the build enforces. */
    static final String JAVA = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());

    private Runtimes() {
    }

    /**
     * The runtime with the given system properties; temp files, the framework cache and the
     * kmemdump directory ({@code work/kmemdump}) go to the test's directory.
     */
    static Child start(String name, Path jar, Path work, String... properties) {
        List<String> command = new ArrayList<>(List.of(JAVA,
                "--sun-misc-unsafe-memory-access=allow", // Felix 7.0.5 calls sun.misc.Unsafe: no warning on JDK 25
                "--enable-native-access=ALL-UNNAMED",
                // the launcher's framework cache and extracted jars go to the test's directory, which JUnit
                // deletes even when the child had to be killed
                "-Djava.io.tmpdir=" + work,
                // its own kmemdump directory: a runtime takes a directory's lock, and tests must not share one
                "-Dkmemdump.directory=" + kmemdumpDirectory(work)));
        command.addAll(List.of(properties));
        command.addAll(List.of("-jar", jar.toString()));
        // a command that throws prints "gogo: <exception>" and ends a -c script before its "stop 0"
        return Child.start(name, command, work).failFastOnStderr(Pattern.compile("^gogo: |Exception", Pattern.MULTILINE));
    }

    static Path kmemdumpDirectory(Path work) {
        return work.resolve("kmemdump");
    }
}
