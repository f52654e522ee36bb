package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The zone notes against their published layouts: {@code NT_FILE} as the Linux kernel writes it
 * (fs/binfmt_elf.c fill_files_note: count, page_size, count x (start, end, file_ofs), then the
 * NUL-terminated names; owner "CORE", type 0x46494c45 'FILE'), laid out by hand; the
 * missing-zones note as its javadoc publishes it; and the note reader against bad sizes.
 */
class ZoneNotesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void ntFileIsTheKernelsLayout() {
        byte[] descriptor = ZoneNotes.files(List.of(
                new ZoneNotes.Mapping(0x7f0000001000L, 0x7f0000001020L, 0, "[kmemdump zone 7 log]"),
                new ZoneNotes.Mapping(0x10, 0x15, 3, "a")), 4096);
        String expected = "0200000000000000" + "0010000000000000" // count 2, page_size 4096
                + "00100000007f0000" + "20100000007f0000" + "0000000000000000" // start, end, file_ofs
                + "1000000000000000" + "1500000000000000" + "0300000000000000"
                + HEX.formatHex("[kmemdump zone 7 log]".getBytes(StandardCharsets.US_ASCII)) + "00" + "6100";
        assertEquals(expected, HEX.formatHex(descriptor));
        assertEquals(0x46494c45, ZoneNotes.NT_FILE);
        assertEquals("FILE", new String(HEX.parseHex("46494c45"), StandardCharsets.US_ASCII));
        assertEquals(List.of(new ZoneNotes.Mapping(0x7f0000001000L, 0x7f0000001020L, 0, "[kmemdump zone 7 log]"),
                new ZoneNotes.Mapping(0x10, 0x15, 3, "a")), ZoneNotes.readFiles(MemorySegment.ofArray(descriptor)));
    }

    @Test
    void aWholeNoteHasItsOwnerAndTypeAndPadding() {
        byte[] note = Elf64.note("CORE", ZoneNotes.NT_FILE, new byte[] {1, 2, 3, 4, 5});
        // namesz 5, descsz 5, type; "CORE\0" padded to 8; descriptor padded to 8
        assertEquals("05000000" + "05000000" + "454c4946" + "434f524500000000" + "0102030405000000", HEX.formatHex(note));
        List<Elf64.Note> notes = Elf64.notes(MemorySegment.ofArray(note));
        assertEquals(1, notes.size());
        assertEquals("CORE", notes.get(0).owner());
        assertEquals(ZoneNotes.NT_FILE, notes.get(0).type());
        assertEquals(5, notes.get(0).descriptor().byteSize());
    }

    @Test
    void missingZonesAreOneLineEach() {
        List<ZoneNotes.Missing> missing = List.of(new ZoneNotes.Missing(60, ZoneNotes.Kind.LOST, "process gone: no process 42"),
                ZoneNotes.Missing.of(61, ZoneNotes.Kind.WITHHELD, "withheld: sensitive \u00e9\n"));
        byte[] text = ZoneNotes.missing(missing);
        assertEquals("60 lost process gone: no process 42\n61 withheld sensitive ??\n", new String(text, StandardCharsets.US_ASCII));
        assertEquals(List.of(missing.get(0), new ZoneNotes.Missing(61, ZoneNotes.Kind.WITHHELD, "sensitive ??")), ZoneNotes.readMissing(text));
        assertEquals(List.of(), ZoneNotes.readMissing(new byte[0]));
        byte[] tableId = ZoneNotes.missing(List.of(new ZoneNotes.Missing(-1, ZoneNotes.Kind.LOST, "a table region's id")));
        assertEquals("4294967295 lost a table region's id\n", new String(tableId, StandardCharsets.US_ASCII));
        assertEquals(-1, ZoneNotes.readMissing(tableId).get(0).id());
        assertEquals(0x4d495353, ZoneNotes.NT_KMEMDUMP_MISSING);
    }

    @Test
    void badNotesAreRefusedNamingWhy() {
        byte[] files = ZoneNotes.files(List.of(new ZoneNotes.Mapping(1, 2, 0, "x")), 4096);
        MemorySegment.ofArray(files).set(LittleEndian.U64, 0, Long.MAX_VALUE);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ZoneNotes.readFiles(MemorySegment.ofArray(files)))
                .getMessage().contains("does not fit"));
        byte[] unterminated = ZoneNotes.files(List.of(new ZoneNotes.Mapping(1, 2, 0, "x")), 4096);
        unterminated[unterminated.length - 1] = 'y';
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ZoneNotes.readFiles(MemorySegment.ofArray(unterminated)))
                .getMessage().contains("not NUL-terminated"));
        assertThrows(IllegalArgumentException.class, () -> ZoneNotes.readFiles(MemorySegment.ofArray(new byte[15])));
        for (String bad : List.of("60 lost why", "60 gone why\n", "4294967296 lost why\n", "60 lost a\n60 lost b\n", "60 lost \u0001\n")) {
            assertThrows(IllegalArgumentException.class, () -> ZoneNotes.readMissing(bad.getBytes(StandardCharsets.ISO_8859_1)), bad);
        }

        byte[] note = Elf64.note("CORE", ZoneNotes.NT_FILE, new byte[8]);
        MemorySegment.ofArray(note).set(LittleEndian.U32, 4, -1); // descsz 4 GiB
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Elf64.notes(MemorySegment.ofArray(note)))
                .getMessage().contains("does not fit"));
        byte[] unnamed = Elf64.note("CORE", ZoneNotes.NT_FILE, new byte[8]);
        unnamed[12 + 4] = 'X'; // the owner name's NUL
        assertThrows(IllegalArgumentException.class, () -> Elf64.notes(MemorySegment.ofArray(unnamed)));
    }

    @Test
    void aNoteSegmentTakesTheFirstFreeSlotBeforeTheZonesNotes() {
        MemorySegment zone = MemorySegment.ofArray(new byte[Elf64.EHDR_SIZE + 3 * Elf64.PHDR_SIZE + 16]);
        Elf64.writeCoreHeader(zone, Elf64.EM_X86_64, 2);
        Elf64.writeProgramHeader(zone, 0, Elf64.PT_NOTE, Elf64.EHDR_SIZE + 3 * Elf64.PHDR_SIZE, 0, 100);
        Elf64.writeProgramHeader(zone, 1, Elf64.PT_LOAD, 4096, 0x1000, 16);
        byte[] elf = zone.toArray(ValueLayout.JAVA_BYTE);
        byte[] headers = ZoneNotes.headersWithNotes(elf, 8192, 40);
        byte[] expected = Arrays.copyOf(elf, Elf64.EHDR_SIZE + 3 * Elf64.PHDR_SIZE);
        expected[(int) Elf64.E_PHNUM] = 3;
        // p_type PT_NOTE, p_flags 0, p_offset 8192, p_vaddr 0, p_paddr 0, p_filesz 40, p_memsz 40, p_align 0
        byte[] slot = HEX.parseHex("04000000" + "00000000" + "0020000000000000" + "0000000000000000" + "0000000000000000"
                + "2800000000000000" + "2800000000000000" + "0000000000000000");
        System.arraycopy(slot, 0, expected, Elf64.EHDR_SIZE + 2 * Elf64.PHDR_SIZE, slot.length);
        assertArrayEquals(expected, headers);
        assertArrayEquals(zone.toArray(ValueLayout.JAVA_BYTE), elf, "the zone is not changed");

        MemorySegment.ofArray(elf).set(LittleEndian.U16, Elf64.E_PHNUM, (short) 3);
        assertNull(ZoneNotes.headersWithNotes(elf, 8192, 40), "no slot left before the zone's own notes");
        assertNull(ZoneNotes.headersWithNotes(new byte[10], 8192, 40), "no ELF zone");
    }
}
