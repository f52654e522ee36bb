package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator configures the distribution without scripting: a file in the directory named by
 * {@code kmemdump.config.dir}, framework properties {@code -Dkmemdump.core.<key>} as defaults under
 * it, and {@code kmemdump:pin} / {@code kmemdump:unpin} typed at the shell, the backends table
 * agreeing with the pin after each.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OperatorConfigIT {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern PROMPT = Pattern.compile("g! ");
    private static final Path RUNTIME = Path.of(System.getProperty("kmemdump.minidump.jar", "target/kmemdump-minidump.jar"))
            .toAbsolutePath();
    private static final long FILE_ARENA_SIZE = 32L << 20;
    private static final long PROPERTY_ARENA_SIZE = 16L << 20;
    private static final long PROPERTY_RING_SIZE = 128L << 10;

    @TempDir
    Path work;

    @Test
    void aConfigFileAndFrameworkPropertiesSetTheCoreAndPinUnpinSwitchTheActiveBackend() throws IOException {
        Path configDir = Files.createDirectories(work.resolve("etc"));
        // FileInstall's plain .cfg: every value a string, which DS converts to the setting's type
        Files.writeString(configDir.resolve("org.kmemdump.core.cfg"), "arena.size = " + FILE_ARENA_SIZE + "\n");
        try (Child runtime = Runtimes.start("kmemdump-minidump.jar (operator config)", RUNTIME, work,
                "-Dkmemdump.config.dir=" + configDir,
                "-Dkmemdump.core.arena.size=" + PROPERTY_ARENA_SIZE, // the file's value overrides this default
                "-Dkmemdump.core.log.ring.size=" + PROPERTY_RING_SIZE)) {
            runtime.awaitStdout(0, PROMPT, CHILD_TIMEOUT);

            String zones = command(runtime, "kmemdump:zones");
            assertTrue(zones.contains("arena: " + Runtimes.kmemdumpDirectory(work).resolve("arena") + ": " + FILE_ARENA_SIZE + " bytes"),
                    "arena.size from the file, over -Dkmemdump.core.arena.size\n" + zones);
            assertTrue(Pattern.compile("(?m)^\\s*7\\s+log\\s+0x[0-9a-f]{16}\\s+" + PROPERTY_RING_SIZE + "\\s").matcher(zones).find(),
                    "log.ring.size from -Dkmemdump.core.log.ring.size\n" + zones);
            assertActive("minidump", null, command(runtime, "kmemdump:backends"), "the highest ranking before any pin");

            assertActive("default", "default", command(runtime, "kmemdump:pin default"), "kmemdump:pin returns once the pin is applied");
            assertActive("default", "default", command(runtime, "kmemdump:backends"), "the pin outranks minidump's ranking");

            String refused = command(runtime, "kmemdump:pin nosuch");
            assertTrue(refused.contains("gogo: IllegalArgumentException: no backend named 'nosuch' is tracked (tracked: default, "
                    + "minidump); nothing changed"), refused);
            assertActive("default", "default", command(runtime, "kmemdump:backends"), "a refused pin changes nothing\n" + refused);

            assertActive("minidump", null, command(runtime, "kmemdump:unpin"), "kmemdump:unpin lets the ranking decide");
            assertActive("minidump", null, command(runtime, "kmemdump:backends"), "after unpin");

            runtime.send("stop 0");
            runtime.awaitExit(CHILD_TIMEOUT);
        }
        assertEquals("arena.size = " + FILE_ARENA_SIZE + "\n", Files.readString(configDir.resolve("org.kmemdump.core.cfg")),
                "the runtime never writes to the operator's file");
    }

    @Test
    void withoutAConfigDirectoryNothingIsWatchedOrCreatedOutsideTheFrameworkStorage() throws IOException {
        try (Child runtime = Runtimes.start("kmemdump-minidump.jar (no config dir)", RUNTIME, work,
                "-Dgosh.args=--nointeractive -c kmemdump:backends; stop 0")) {
            runtime.awaitExit(CHILD_TIMEOUT);
            assertActive("minidump", null, runtime.stdout(), "defaults only");
            assertTrue(runtime.stderr().isBlank(), runtime.describe());
            assertFalse(runtime.stdout().contains("does not exist"), "FileInstall's warning of a missing directory\n" + runtime.describe());
        }
        try (var left = Files.list(work)) {
            assertEquals("[kmemdump]", left.map(path -> path.getFileName().toString()).sorted().toList().toString(),
                    "FileInstall's default ./load or a config directory was created in the working directory");
        }
    }

    /** Asserts the starred backend and the pin line ({@code null}: none) of one backends table. */
    private static void assertActive(String active, String pinned, String table, String why) {
        Matcher star = Pattern.compile("(?m)^\\*\\s+(\\S+)").matcher(table);
        assertTrue(star.find(), why + ": no active backend in\n" + table);
        assertEquals(active, star.group(1), why + "\n" + table);
        Matcher pin = Pattern.compile("(?m)^pinned by configuration: (\\S+)$").matcher(table);
        assertEquals(pinned, pin.find() ? pin.group(1) : null, why + "\n" + table);
    }

    private static String command(Child runtime, String line) {
        int from = runtime.stdout().length();
        runtime.send(line);
        Matcher prompt = runtime.awaitStdout(from, PROMPT, CHILD_TIMEOUT);
        return runtime.stdout().substring(from, prompt.start());
    }
}
