package org.kmemdump.features;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real collector jar, run as the separate program it is. */
final class CollectorJar {
    static final Path JAR = Path.of(System.getProperty("kmemdump.collector.jar", "missing-system-property-kmemdump.collector.jar"))
            .toAbsolutePath();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What the collector said: its exit code, stdout and stderr. */
    record Result(int exit, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    private CollectorJar() {
    }

    static Result run(Path work, String... arguments) {
        List<String> command = new ArrayList<>(List.of(Runtimes.JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(arguments));
        try (Child collector = Child.start("collector", command, work)) {
            int exit = collector.awaitExit(TIMEOUT);
            return new Result(exit, collector.stdout(), collector.stderr());
        }
    }
}
