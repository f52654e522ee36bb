package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.ZoneNotes;

/**
 * A core is untrusted input like the raw files: truncated at every boundary, its headers, program
 * headers and notes overwritten with the classic bad values, a note whose sizes ask for 4 GiB, an
 * NT_FILE whose count asks for 2^63 entries. Every command that reads a core must end in time with
 * exit 0, 1 or 3, at most a line of error and no stack trace.
 */
class CoreCorruptInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Set<Integer> ALLOWED = Set.of(ExitCode.OK.code(), ExitCode.INCOMPLETE.code(), ExitCode.BAD_INPUT.code());
    private static final List<String> COMMANDS = List.of("inspect", "log", "threads", "components");
    private static final long[] BAD = {0, 1, -1, 0x7fffffffL, 0xffffffffL, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};

    @TempDir
    static Path temp;
    private static DumpFixture fixture;
    private static byte[] core;

    @BeforeAll
    static void collect() throws Exception {
        fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones();
        LogRing ring = fixture.logRing(4096);
        ring.append(1, 1, LogRing.Level.INFO, "app", "the known record", null);
        Path file = temp.resolve("core.elf");
        CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", file.toString());
        assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
        core = Files.readAllBytes(file);
        CollectorRun log = check(core, "the intact core").get(1);
        assertEquals(ExitCode.OK.code(), log.exitCode(), log.toString());
        assertTrue(log.out().contains("the known record"), log.toString());
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    /** @return each command's run on {@code bytes} as a crash entry's core */
    private static List<CollectorRun> check(byte[] bytes, String what) throws IOException {
        Path entry = Files.createTempDirectory(temp, "entry");
        Files.write(entry.resolve(CrashEntry.CORE), bytes);
        List<CollectorRun> runs = COMMANDS.stream()
                .map(command -> assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of(command, entry.toString()), what)).toList();
        for (CollectorRun run : runs) {
            assertTrue(ALLOWED.contains(run.exitCode()), what + ": " + run);
            assertTrue(run.err().lines().count() <= 1, what + ": " + run);
            assertFalse(run.err().contains("Exception") || run.err().contains("\tat ") || run.err().contains("internal error"),
                    what + ": " + run);
        }
        return runs;
    }

    @Test
    void truncatedAtEveryBoundary() throws Exception {
        MemorySegment elf = MemorySegment.ofArray(core);
        int phnum = Short.toUnsignedInt(elf.get(LittleEndian.U16, Elf64.E_PHNUM));
        for (long length : new long[] {0, 1, 4, 63, 64, 65, Elf64.EHDR_SIZE + Elf64.PHDR_SIZE, Elf64.EHDR_SIZE + (long) phnum * Elf64.PHDR_SIZE - 1,
                core.length / 2, core.length - 1}) {
            CollectorRun log = check(Arrays.copyOf(core, (int) length), "truncated to " + length).get(1);
            assertEquals(ExitCode.BAD_INPUT.code(), log.exitCode(), "truncated to " + length + ": " + log);
        }
    }

    @Test
    void everyHeaderFieldWithTheClassicBadValues() throws Exception {
        MemorySegment elf = MemorySegment.ofArray(core);
        int phnum = Short.toUnsignedInt(elf.get(LittleEndian.U16, Elf64.E_PHNUM));
        // the ELF header, the zone's PT_NOTE, a PT_LOAD, and the appended notes' PT_NOTE: every kind of field once
        List<Long> fields = new ArrayList<>();
        for (long field = Elf64.E_PHOFF; field < Elf64.EHDR_SIZE + 2L * Elf64.PHDR_SIZE; field += 8) {
            fields.add(field);
        }
        for (long field = Elf64.EHDR_SIZE + (phnum - 1L) * Elf64.PHDR_SIZE; field < Elf64.EHDR_SIZE + (long) phnum * Elf64.PHDR_SIZE; field += 8) {
            fields.add(field);
        }
        for (long field : fields) {
            for (long value : BAD) {
                byte[] bad = core.clone();
                MemorySegment.ofArray(bad).set(LittleEndian.U64, field, value);
                check(bad, "8 bytes at " + field + " = " + value);
            }
        }
    }

    @Test
    void notesWhoseSizesAskForTooMuch() throws Exception {
        long notes = notesOffset(ZoneNotes.NT_FILE);
        byte[] descsz = core.clone();
        MemorySegment.ofArray(descsz).set(LittleEndian.U32, notes + 4, -1);
        assertTrue(check(descsz, "NT_FILE descsz 4 GiB").get(1).err().contains("does not fit"));
        byte[] count = core.clone();
        MemorySegment.ofArray(count).set(LittleEndian.U64, notes + Elf64.noteHeaderSize(Elf64.CORE_NOTE), Long.MAX_VALUE);
        assertTrue(check(count, "NT_FILE count 2^63").get(1).err().contains("count"));
        byte[] missing = core.clone();
        long missingNote = notesOffset(ZoneNotes.NT_KMEMDUMP_MISSING);
        MemorySegment.ofArray(missing).set(LittleEndian.U32, missingNote + 4, 1); // past the file's end: nothing vouches for it
        assertTrue(check(missing, "the missing-zones note past the end").get(1).err().contains("does not fit"));
        byte[] noVmcoreinfo = core.clone();
        int at = indexOf(noVmcoreinfo, "VMCOREINFO".getBytes());
        noVmcoreinfo[at] = 'X';
        assertTrue(check(noVmcoreinfo, "no VMCOREINFO note").get(0).err().contains("no VMCOREINFO note"));
    }

    @Test
    void randomBytesInTheHeadersAndNotes() throws Exception {
        Random random = new Random(8);
        long end = notesOffset(ZoneNotes.NT_FILE) + 600;
        for (int i = 0; i < 150; i++) {
            byte[] bad = core.clone();
            int at = random.nextInt((int) Math.min(end, core.length));
            bad[at] = (byte) random.nextInt(256);
            check(bad, "byte " + at + " = " + bad[at]);
        }
    }

    @Test
    void aFifoIsNoCore() throws Exception {
        Path fifo = temp.resolve("fifo.elf");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CollectorRun run = assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of("log", fifo.toString()));
        assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
        assertEquals(fifo + ": not a regular file", run.err().strip().replace("kmemdump-collector: ", ""));
    }

    /** @return where the appended note of {@code type} starts */
    private static long notesOffset(int type) {
        MemorySegment elf = MemorySegment.ofArray(core);
        int phnum = Short.toUnsignedInt(elf.get(LittleEndian.U16, Elf64.E_PHNUM));
        long segment = elf.get(LittleEndian.U64, Elf64.EHDR_SIZE + (phnum - 1L) * Elf64.PHDR_SIZE + Elf64.P_OFFSET);
        long at = segment;
        for (Elf64.Note note : Elf64.notes(elf.asSlice(segment))) {
            if (note.type() == type) {
                return at;
            }
            at += Elf64.noteSize(note.owner(), note.descriptor().byteSize());
        }
        throw new AssertionError("no note of type " + type);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
