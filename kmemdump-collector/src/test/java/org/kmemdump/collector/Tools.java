package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The stock tools a core must satisfy: readelf and gdb. Missing tools fail the test: a skipped check proves nothing. */
final class Tools {
    private static final long TIMEOUT_SECONDS = 120;

    private Tools() {
    }

    /** @return stdout and stderr of {@code readelf -h -l -n}, which must succeed without warnings */
    static String readelf(Path core) throws IOException, InterruptedException {
        String output = run(List.of("readelf", "-W", "-h", "-l", "-n", core.toString()), "binutils");
        assertTrue(output.contains("CORE (Core file)"), output);
        assertTrue(!output.contains("Warning") && !output.contains("Error"), output);
        return output;
    }

    /** @return what {@code x/s address} prints after gdb loads the core */
    static String gdbString(Path core, long address) throws IOException, InterruptedException {
        return run(List.of("gdb", "-batch", "-nx", "-ex", "core-file " + core, "-ex", "x/s 0x" + Long.toHexString(address)), "gdb");
    }

    /** @return what gdb's {@code info proc mappings} lists for the core: its NT_FILE note */
    static String gdbMappings(Path core) throws IOException, InterruptedException {
        return run(List.of("gdb", "-batch", "-nx", "-ex", "core-file " + core, "-ex", "info proc mappings"), "gdb");
    }

    private static String run(List<String> command, String aPackage) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail(command.get(0) + " is needed for this test: install " + aPackage + " (" + e.getMessage() + ")");
        }
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + " failed:\n" + text);
        return text;
    }
}
