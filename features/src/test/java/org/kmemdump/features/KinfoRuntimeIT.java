package org.kmemdump.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.KinfoRecord.Pointer;

/**
 * The distribution with the kinfo backend, target/kmemdump-kinfo.jar, killed with SIGKILL: its
 * record, read from the file afterwards, names the zones the runtime listed while it ran.
 */
class KinfoRuntimeIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path RUNTIME = Path.of(System.getProperty("kmemdump.kinfo.jar", "target/kmemdump-kinfo.jar")).toAbsolutePath();
    /** A row of kmemdump:zones: id, name, address, size, then owner and state. */
    private static final Pattern ZONE_ROW = Pattern.compile("(?m)^\\s*(\\d+)\\s+\\S+\\s+0x([0-9a-f]{16})\\s+(\\d+)\\s+(.+)$");

    @TempDir
    Path work;

    @Test
    void aKilledRuntimesRecordNamesItsZones() throws IOException {
        Map<Integer, Pointer> zones = new HashMap<>();
        try (Child runtime = Runtimes.start("kmemdump-kinfo.jar", RUNTIME, work, "-Dgosh.args=--nointeractive -c kmemdump:zones")) {
            runtime.awaitStdout(0, Pattern.compile("(?m)^arena: "), TIMEOUT);
            for (Matcher row = ZONE_ROW.matcher(runtime.stdout()); row.find(); ) {
                assertTrue(row.group(4).endsWith("held by kinfo"), "the kinfo backend is active from the start\n" + runtime.describe());
                zones.put(Integer.valueOf(row.group(1)), new Pointer(Long.parseUnsignedLong(row.group(2), 16), Long.parseLong(row.group(3))));
            }
            runtime.kill();
        }
        Path file = Runtimes.kmemdumpDirectory(work).resolve("kinfo");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        KinfoRecord.Contents record;
        try (Arena mapping = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            record = KinfoRecord.read(channel.map(MapMode.READ_ONLY, 0, channel.size(), mapping), file.toString());
        }
        assertEquals(zones.get(1), record.elf(), "ELF");
        assertEquals(zones.get(2), record.vmcoreinfo(), "VMCOREINFO");
        assertEquals(zones.get(6), record.bundles(), "bundles");
        assertEquals(zones.getOrDefault(7, new Pointer(0, 0)), record.log(), "log ring");
        assertTrue(record.lastUtsRelease().startsWith("kmemdump-"), record.lastUtsRelease());
        assertTrue(record.buildInfo().startsWith("kmemdump "), record.buildInfo());
    }
}
