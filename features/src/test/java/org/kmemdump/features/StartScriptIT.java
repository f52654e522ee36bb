package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.directory.internal.ClaimedDirectory;

/**
 * The command line the start script composes, seen through a stand-in {@code java} that prints its
 * arguments: the kmemdump directory it names is the runtime's own choice, and the fatal-error
 * options point the collector at it.
 */
class StartScriptIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path work;
    private Path javaHome;

    @BeforeEach
    void standInJava() throws IOException {
        javaHome = work.resolve("jdk");
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor argument in \"$@\"; do printf '%s\\n' \"$argument\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    }

    private List<String> arguments(String... options) {
        try (Child script = StartScript.start("kmemdump", work, javaHome, options)) {
            assertEquals(0, script.awaitExit(TIMEOUT), script.describe());
            return script.stdout().lines().toList();
        }
    }

    @Test
    void theDefaultDirectoryIsTheRuntimesAndEveryFatalPathNamesIt() {
        List<String> arguments = arguments("-Xmx64m");
        Path directory = ClaimedDirectory.location(null);
        Path distribution = StartScript.SCRIPT.getParent();
        String fatal = "'" + javaHome.resolve("bin/java") + "' -jar '" + distribution.resolve("kmemdump-collector.jar") + "' fatal ";
        assertEquals(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-XX:ErrorFile=" + directory + "/hs_err_pid%p.log",
                "-XX:OnError=" + fatal + "fatal-error %p '" + directory + "'",
                "-XX:OnOutOfMemoryError=" + fatal + "out-of-memory %p '" + directory + "'", "-XX:+ExitOnOutOfMemoryError",
                "-Xmx64m", "-Dkmemdump.directory=" + directory, "-jar", distribution.resolve("kmemdump.jar").toString()), arguments);
    }

    @Test
    void aRelativeDirectoryBecomesAbsoluteForTheRuntimeToo() {
        List<String> arguments = arguments("-Dkmemdump.directory=dumps");
        assertTrue(arguments.contains("-XX:ErrorFile=" + work.resolve("dumps") + "/hs_err_pid%p.log"), arguments.toString());
        assertEquals("-Dkmemdump.directory=" + work.resolve("dumps"), arguments.get(arguments.size() - 3), "the absolute form comes last and wins");
    }

    @Test
    void aDirectoryHotSpotWouldMisreadIsRefused() {
        try (Child script = StartScript.start("kmemdump", work, javaHome, "-Dkmemdump.directory=/tmp/a;b")) {
            assertEquals(1, script.awaitExit(TIMEOUT), script.describe());
            assertTrue(script.stderr().startsWith("kmemdump: the kmemdump directory, this script's directory and the java path must not contain"),
                    script.describe());
            assertEquals("", script.stdout(), "java was not run");
        }
    }
}
