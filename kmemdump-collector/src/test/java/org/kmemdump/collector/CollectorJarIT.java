package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.LogRing;

/** The packaged jar as users run it: {@code java -jar target/kmemdump-collector.jar}, its exit codes real. */
class CollectorJarIT {
    private static final Path JAR = Path.of("target", "kmemdump-collector.jar");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final long FIRST = 0x1122334455667788L;
    private static final long LAST = 0x0102030405060708L;

    @TempDir
    Path temp;

    @Test
    void helpAndUsageErrors() throws Exception {
        Result help = java("--help");
        assertEquals(ExitCode.OK.code(), help.exitCode(), help.output());
        assertTrue(help.output().contains("Exit codes:"), help.output());
        Result usage = java("collect");
        assertEquals(ExitCode.USAGE.code(), usage.exitCode(), usage.output());
        assertEquals("kmemdump-collector: collect: DIR is missing (the kmemdump directory) (see --help)", usage.output().strip());
    }

    @Test
    void collectsADirectory() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path core = temp.resolve("core.elf");
            Result run = java("collect", fixture.directory().toString(), "-o", core.toString());
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.output());
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
        }
    }

    /** In a JVM with a 32 MiB heap, a 256 MiB region can only stream: bounded chunks, never the region in one array. */
    @Test
    void largeRegionStreams() throws Exception {
        long size = 256L << 20;
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead(), size + (1 << 20))) {
            DumpFixture.Zone zone = fixture.addArenaZone(60, "large", size);
            zone.memory().set(ValueLayout.JAVA_LONG, 0, FIRST);
            zone.memory().set(ValueLayout.JAVA_LONG, size - 8, LAST);
            Path core = temp.resolve("core.elf");
            Result run = java("-Xmx32m", "collect", fixture.directory().toString(), "-o", core.toString(), "--progress");

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.output());
            assertTrue(run.output().contains("] 100% of 256.0 MiB"), run.output());
            try (FileChannel file = FileChannel.open(core); Arena arena = Arena.ofConfined()) {
                MemorySegment mapped = file.map(FileChannel.MapMode.READ_ONLY, 0, file.size(), arena);
                long at = loadOffset(mapped, zone.address()); // the zone notes follow the zones: the load says where it is
                assertEquals(FIRST, mapped.get(ValueLayout.JAVA_LONG_UNALIGNED, at));
                assertEquals(LAST, mapped.get(ValueLayout.JAVA_LONG_UNALIGNED, at + size - 8));
            }
        }
    }

    private static long loadOffset(MemorySegment core, long address) {
        int phnum = Short.toUnsignedInt(core.get(LittleEndian.U16, Elf64.E_PHNUM));
        for (int i = 0; i < phnum; i++) {
            long header = Elf64.EHDR_SIZE + (long) i * Elf64.PHDR_SIZE;
            if (core.get(LittleEndian.U32, header + Elf64.P_TYPE) == Elf64.PT_LOAD && core.get(LittleEndian.U64, header + Elf64.P_VADDR) == address) {
                return core.get(LittleEndian.U64, header + Elf64.P_OFFSET);
            }
        }
        throw new AssertionError("no PT_LOAD at " + Long.toHexString(address));
    }

    /** The format classes the log command needs are in the jar; UTF-8 text comes out as UTF-8. */
    @Test
    void logOfADeadOwner() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            LogRing ring = fixture.logRing(4096);
            ring.append(1_704_164_645_006L, 12, LogRing.Level.WARN, "org.example.app", "caf\u00e9 \u2603", null);
            ring.append(1_704_164_645_007L, 12, LogRing.Level.ERROR, "org.example.app", "failed", "java.lang.IllegalStateException: x");
            fixture.kinfo("kmemdump-test");
            Result run = java("-Dstdout.encoding=UTF-8", "log", fixture.directory().toString());
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.output());
            assertEquals("2024-01-02T03:04:05.006Z WARN  org.example.app [12] caf\u00e9 \u2603\n"
                    + "2024-01-02T03:04:05.007Z ERROR org.example.app [12] failed\n"
                    + "    java.lang.IllegalStateException: x\n", run.output());
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** @param args JVM options (starting with -X or -D) first, then the collector's arguments */
    private static Result java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA));
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty() && (rest.getFirst().startsWith("-X") || rest.getFirst().startsWith("-D"))) {
            command.add(rest.removeFirst());
        }
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(rest);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "java -jar did not finish");
        return new Result(process.exitValue(), output);
    }
}
