package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** readelf and gdb, which CI installs: their absence fails a test, since a skipped check would hide a broken core. */
final class HostTools {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private HostTools() {
    }

    /** @return stdout and stderr of a command that must exit 0 */
    static String run(List<String> command, String packageHint, Path work) {
        String program = command.get(0);
        boolean onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(directory -> !directory.isEmpty())
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, program)));
        if (!onPath) {
            fail(program + " is not on PATH (" + System.getenv("PATH") + "). The system tests check the dump with it: "
                    + "install " + packageHint + ", e.g. apt-get install binutils gdb.");
        }
        try (Child tool = Child.start(program, command, work)) {
            int exit = tool.awaitExit(TIMEOUT);
            assertEquals(0, exit, String.join(" ", command) + " failed\n" + tool.describe());
            return tool.stdout() + tool.stderr();
        }
    }

    static String readelf(Path core, Path work) {
        return run(List.of("readelf", "-h", "-l", "-n", core.toString()), "binutils (readelf)", work);
    }

    /** @return what gdb prints for {@code x/s address} in the core */
    static String gdbString(Path core, String address, Path work) {
        return run(List.of("gdb", "-nx", "-batch", "-ex", "core-file " + core, "-ex", "x/s " + address), "gdb", work);
    }

    /** @return what gdb's {@code info proc mappings} lists for the core: its NT_FILE note's ranges and names */
    static String gdbMappings(Path core, Path work) {
        return run(List.of("gdb", "-nx", "-batch", "-ex", "core-file " + core, "-ex", "info proc mappings"), "gdb", work);
    }

    /**
     * @return what gdb prints for the {@code length} bytes at the start of the zone the core's
     *         NT_FILE note names {@code [kmemdump zone <id> <name>]}, as a C string literal; or
     *         {@code "no zone <name>"} when gdb lists no such mapping
     */
    static String gdbZoneBytes(Path core, String name, int length, Path work) {
        Matcher zone = Pattern.compile("(?m)^\\s*(0x[0-9a-f]+)\\s.*\\[kmemdump zone \\d+ " + Pattern.quote(name) + "\\]$")
                .matcher(gdbMappings(core, work));
        if (!zone.find()) {
            return "no zone " + name;
        }
        return run(List.of("gdb", "-nx", "-batch", "-ex", "core-file " + core, "-ex",
                "output *(char (*)[" + length + "]) " + zone.group(1)), "gdb", work);
    }

    /** @return readelf's name for this host's machine */
    static String machine() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "Advanced Micro Devices X86-64";
            case "aarch64" -> "AArch64";
            default -> fail("kmemdump writes cores for x86_64 and aarch64 only, not " + System.getProperty("os.arch"));
        };
    }
}
