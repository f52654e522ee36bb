package org.kmemdump.core.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.kmemdump.core.internal.CoreFixture.cString;
import static org.kmemdump.core.internal.CoreFixture.pattern;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.core.internal.CoreDump.Outcome;
import org.kmemdump.core.internal.CoreFile.Segment;

/**
 * {@link CoreDump} writes the zones to a file exactly as the coreimage headers describe them, and
 * the stock tools read it. readelf (binutils) and gdb must be installed: without them the tool
 * tests fail rather than skip.
 */
class CoreDumpTest {
    private static final String GREETING = "hello from kmemdump";
    private static final long TOOL_TIMEOUT_SECONDS = 60;

    @TempDir
    Path directory;
    private CoreFixture fixture;
    private ZoneSlot greeting;

    @BeforeEach
    void aGreetingAndZonesOf5And4096And13Bytes() throws ZoneRegistrationException {
        fixture = new CoreFixture();
        greeting = fixture.add(7, "greeting", cString(GREETING));
        fixture.addOddSizedZones();
    }

    @AfterEach
    void freeTheZones() {
        fixture.close();
    }

    @Test
    void theDumpIsTheConcatenationOfTheZones() throws IOException {
        Path core = directory.resolve("core");
        List<Outcome> outcomes = CoreDump.write(fixture.table, core, false);
        assertEquals(fixture.table.zones(), outcomes.stream().map(Outcome::zone).toList());
        assertEquals(List.of(), lostIds(outcomes));
        assertArrayEquals(fixture.concatenation(), new CoreFile(Files.readAllBytes(core)).zones());
    }

    /** kmemdump:dump takes any name Linux allows (255 bytes), though its temporary file's name is longer than the name given */
    @Test
    void aFileWithTheLongestNameAllowedIsWrittenAndNothingElseIsLeft() throws IOException {
        Path core = directory.resolve("c".repeat(255));
        CoreDump.write(fixture.table, core, false);
        assertArrayEquals(fixture.concatenation(), new CoreFile(Files.readAllBytes(core)).zones());
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(core), files.toList());
        }
    }

    @Test
    void onlyTheOwnerMayReadTheDump() throws IOException {
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dump()));
    }

    @Test
    void aZoneFreedBeforeTheDumpIsLostAndWrittenAsZeros() throws IOException, ZoneRegistrationException {
        Arena doomed = Arena.ofShared();
        ZoneSlot lost = fixture.add(doomed, 20, "doomed", pattern(13, 1));
        byte[] expected = fixture.concatenation();
        Segment load = new CoreFile(expected).loads().stream().filter(segment -> segment.vaddr() == lost.address())
                .findFirst().orElseThrow();
        Arrays.fill(expected, (int) load.offset(), (int) (load.offset() + load.filesz()), (byte) 0);
        doomed.close();

        Path core = directory.resolve("core");
        List<Outcome> outcomes = CoreDump.write(fixture.table, core, false);
        assertEquals(List.of(20), lostIds(outcomes));
        assertArrayEquals(expected, new CoreFile(Files.readAllBytes(core)).zones());
    }

    @Test
    void aMissingDirectoryFailsNamingItAndLeavesNoFile() throws IOException {
        Path missing = directory.resolve("missing");
        IOException failure = assertThrows(IOException.class, () -> CoreDump.write(fixture.table, missing.resolve("core"), false));
        assertContains(failure.getMessage(), missing.toString());
        assertFalse(Files.exists(missing));
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void readelfSeesAnX86_64CoreWithALoadPerZoneAndTheNotes() throws IOException, InterruptedException {
        String output = run("readelf", "-h", "-l", "-n", dump().toString());
        long loads = output.lines().filter(line -> line.strip().startsWith("LOAD ")).count();
        assertAll(output,
                () -> assertContains(output, "CORE (Core file)"),
                () -> assertContains(output, "X86-64"),
                () -> assertEquals(4, loads, "LOAD headers"),
                () -> assertContains(output, "NT_PRSTATUS"),
                () -> assertContains(output, "NT_PRPSINFO"),
                () -> assertContains(output, "VMCOREINFO"),
                () -> assertContains(output, "NT_FILE (mapped files)"));
    }

    @Test
    void theNotesNameEveryZoneAndTheLostOnes() throws IOException, ZoneRegistrationException {
        Arena doomed = Arena.ofShared();
        ZoneSlot lost = fixture.add(doomed, 20, "doomed", pattern(13, 1));
        doomed.close();
        Path core = directory.resolve("core");
        CoreDump.write(fixture.table, core, false);
        CoreFile elf = new CoreFile(Files.readAllBytes(core));
        List<CoreFile.Note> appended = elf.notes(elf.segments().get(elf.phnum() - 1));
        String names = new String(appended.get(0).descriptor(), StandardCharsets.US_ASCII);
        assertEquals("CORE", appended.get(0).name());
        assertEquals(0x46494c45, appended.get(0).type());
        assertContains(names, "[kmemdump zone 7 greeting]\0");
        assertContains(names, "[kmemdump zone 20 doomed]\0");
        assertEquals("KMEMDUMP", appended.get(1).name());
        assertEquals("20 lost its memory was freed\n", appended.get(1).text());
        // count, page_size, then (start, end, file_ofs) per zone in table order
        ByteBuffer files = ByteBuffer.wrap(appended.get(0).descriptor()).order(ByteOrder.LITTLE_ENDIAN);
        List<ZoneSlot> zones = fixture.table.zones();
        assertEquals(zones.size(), files.getLong(0));
        int at = zones.stream().map(ZoneSlot::id).toList().indexOf(lost.id());
        assertEquals(lost.address(), files.getLong(16 + 24 * at), "the lost zone's start");
        assertEquals(lost.address() + 13, files.getLong(16 + 24 * at + 8), "and end");
    }

    @Test
    void gdbReadsTheGreetingAtItsAddress() throws IOException, InterruptedException {
        String core = dump().toString();
        String output = run("gdb", "-nx", "-batch", "-ex", "core-file " + core,
                "-ex", "x/s 0x" + Long.toHexString(greeting.address()));
        assertContains(output, "\"" + GREETING + "\"");
    }

    // --- helpers

    private Path dump() throws IOException {
        Path core = directory.resolve("core");
        assertEquals(List.of(), lostIds(CoreDump.write(fixture.table, core, false)));
        return core;
    }

    private static List<Integer> lostIds(List<Outcome> outcomes) {
        return outcomes.stream().filter(outcome -> outcome.problem() != null).map(outcome -> outcome.zone().id()).toList();
    }

    /** Runs a tool to its end and returns its output, failing the test if it is missing, hangs or fails. */
    private String run(String... command) throws IOException, InterruptedException {
        Path output = directory.resolve(command[0] + ".out");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            return fail(command[0] + " is required by this test (binutils' readelf and gdb) but could not be run: "
                    + e.getMessage());
        }
        try {
            assertTrue(process.waitFor(TOOL_TIMEOUT_SECONDS, SECONDS),
                    command[0] + " did not finish in " + TOOL_TIMEOUT_SECONDS + " seconds");
            String text = Files.readString(output);
            assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + text);
            return text;
        } finally {
            process.destroyForcibly();
        }
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "no '" + part + "' in:\n" + text);
    }
}
