package org.kmemdump.core.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.core.internal.CoreFixture.PID;
import static org.kmemdump.core.internal.CoreFixture.padded;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.core.internal.CoreFile.Note;
import org.kmemdump.core.internal.CoreFile.Segment;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.Vmcoreinfo;

/**
 * {@link Elf64} against byte vectors written by hand from the System V gABI, then the zones a
 * {@link CoreImage} maintains, concatenated as a dump concatenates them and read back by {@link CoreFile}.
 */
class ElfCoreImageTest {
    private CoreFixture fixture;

    @BeforeEach
    void zonesOf5And4096And13Bytes() throws ZoneRegistrationException {
        fixture = new CoreFixture();
        fixture.addOddSizedZones();
    }

    @AfterEach
    void freeTheZones() {
        fixture.close();
    }

    // --- Elf64, byte for byte

    @Test
    void coreHeader() {
        MemorySegment header = dirty(64);
        Elf64.writeCoreHeader(header, Elf64.EM_X86_64, 3);
        // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE, padding
        // e_type ET_CORE, e_machine EM_X86_64, e_version 1, e_entry 0
        // e_phoff 64, e_shoff 0
        // e_flags 0, e_ehsize 64, e_phentsize 56, e_phnum 3, e_shentsize 64, e_shnum 0, e_shstrndx 0
        assertBytes("""
                7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00
                04 00 3e 00 01 00 00 00  00 00 00 00 00 00 00 00
                40 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
                00 00 00 00 40 00 38 00  03 00 40 00 00 00 00 00
                """, header);
    }

    @Test
    void loadProgramHeader() {
        MemorySegment headers = dirty(64 + 2 * 56);
        Elf64.writeProgramHeader(headers, 1, Elf64.PT_LOAD, 0x1000, 0x7f0012345678L, 0x24);
        // header 1 at 64 + 56: p_type PT_LOAD, p_flags PF_R|PF_W, p_offset; p_vaddr, p_paddr 0;
        // p_filesz, p_memsz; p_align 0
        assertBytes("""
                01 00 00 00 06 00 00 00  00 10 00 00 00 00 00 00
                78 56 34 12 00 7f 00 00  00 00 00 00 00 00 00 00
                24 00 00 00 00 00 00 00  24 00 00 00 00 00 00 00
                00 00 00 00 00 00 00 00
                """, headers.asSlice(64 + 56));
    }

    @Test
    void noteProgramHeader() {
        MemorySegment headers = dirty(64 + 56);
        Elf64.writeProgramHeader(headers, 0, Elf64.PT_NOTE, 0x2c48, 0, 0x1f0);
        // a PT_NOTE has no flags
        assertBytes("""
                04 00 00 00 00 00 00 00  48 2c 00 00 00 00 00 00
                00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
                f0 01 00 00 00 00 00 00  f0 01 00 00 00 00 00 00
                00 00 00 00 00 00 00 00
                """, headers.asSlice(64));
    }

    @Test
    void aProgramHeadersSizeAlone() {
        MemorySegment headers = dirty(64 + 56);
        Elf64.writeProgramHeaderSize(headers, 0, 0x1f0);
        // p_filesz and p_memsz of header 0; every other byte untouched
        assertBytes("""
                aa aa aa aa aa aa aa aa  aa aa aa aa aa aa aa aa
                aa aa aa aa aa aa aa aa  aa aa aa aa aa aa aa aa
                f0 01 00 00 00 00 00 00  f0 01 00 00 00 00 00 00
                aa aa aa aa aa aa aa aa
                """, headers.asSlice(64));
    }

    @Test
    void noteHeaderWithAnAlignedName() {
        MemorySegment note = dirty(4 + 20);
        assertEquals(4 + 20, Elf64.writeNoteHeader(note, 4, "CORE", 336, Elf64.NT_PRSTATUS));
        // untouched before offset 4; namesz 5 (with NUL), descsz 336, NT_PRSTATUS, "CORE", NUL and padding
        assertBytes("""
                aa aa aa aa
                05 00 00 00 50 01 00 00  01 00 00 00 43 4f 52 45  00 00 00 00
                """, note);
    }

    @Test
    void noteHeaderWithAPaddedName() {
        MemorySegment note = dirty(24);
        assertEquals(24, Elf64.writeNoteHeader(note, 0, "VMCOREINFO", 0x123, 0));
        // namesz 11, descsz 0x123, type 0, "VMCOREINFO", NUL and one byte of padding
        assertBytes("""
                0b 00 00 00 23 01 00 00  00 00 00 00 56 4d 43 4f
                52 45 49 4e 46 4f 00 00
                """, note);
    }

    @Test
    void aNoteHeadersDescriptorSizeAlone() {
        MemorySegment note = dirty(24);
        Elf64.writeNoteDescriptorSize(note, 4, 0x123);
        // n_descsz of the header at 4, little-endian; every other byte untouched
        assertBytes("""
                aa aa aa aa aa aa aa aa  23 01 00 00 aa aa aa aa
                aa aa aa aa aa aa aa aa
                """, note);
    }

    // --- CoreImage, read back from the concatenated zones

    @Test
    void theZonesFormAnX86_64CoreWithANoteAndALoadPerZone() {
        CoreFile core = new CoreFile(fixture.concatenation());
        assertEquals(4, core.type());
        assertEquals(62, core.machine());
        assertEquals(1 + 3, core.phnum());
        assertEquals(CoreFile.PT_NOTE, core.segments().get(0).type());
    }

    @Test
    void loadSegmentsFollowTheCoreimageZonesContiguouslyAndHoldTheZones() {
        assertLoadsAreTheZones();
    }

    @Test
    void unregisteringAZoneShiftsTheLaterOffsetsDown() {
        fixture.table.unregister(50, CoreFixture.RUNTIME);
        CoreFile core = assertLoadsAreTheZones();
        assertEquals(1 + 2, core.phnum());
        assertFalse(core.note("VMCOREINFO", 0).text().contains("ZONE(50)"));
    }

    @Test
    void theNotesAreCorePrstatusCorePrpsinfoAndVmcoreinfo() {
        List<String> notes = core().notes().stream().map(note -> note.name() + "/" + note.type()).toList();
        assertEquals(List.of("CORE/1", "CORE/3", "VMCOREINFO/0"), notes);
    }

    @Test
    void prstatusHasTheSizeOfTheHostsAndItsPid() {
        Note prstatus = core().note("CORE", 1);
        assertEquals(336, prstatus.descriptor().length);
        assertEquals(PID, littleEndian(prstatus).getInt(32), "pr_pid");
    }

    @Test
    void prpsinfoDescribesARunningJavaProcess() {
        Note prpsinfo = core().note("CORE", 3);
        assertEquals(136, prpsinfo.descriptor().length);
        assertEquals('R', prpsinfo.descriptor()[1], "pr_sname");
        assertEquals(PID, littleEndian(prpsinfo).getInt(24), "pr_pid");
        assertArrayEquals(CoreFixture.cString("java"), Arrays.copyOfRange(prpsinfo.descriptor(), 40, 45), "pr_fname");
        assertArrayEquals(CoreFixture.cString("java test"), Arrays.copyOfRange(prpsinfo.descriptor(), 56, 66), "pr_psargs");
    }

    @Test
    void vmcoreinfoNamesTheRuntimeAndEveryZone() {
        String text = core().note("VMCOREINFO", 0).text();
        for (String line : List.of("OSRELEASE=" + CoreFixture.RELEASE, "PAGESIZE=4096", "PID=" + PID)) {
            assertTrue(text.contains(line + "\n"), () -> "no " + line + " in\n" + text);
        }
        for (ZoneSlot zone : fixture.table.zones()) {
            String line = "ZONE(" + zone.id() + ")=" + zone.name() + ",0x" + Long.toHexString(zone.address()) + ","
                    + zone.size() + "\n";
            assertTrue(text.contains(line), () -> "no " + line + " in\n" + text);
        }
    }

    @Test
    void theVmcoreinfoReaderAcceptsTheTextAndFindsEveryZone() {
        Vmcoreinfo parsed = Vmcoreinfo.parse(core().note("VMCOREINFO", 0).descriptor());
        assertEquals(fixture.table.zones().stream().map(zone -> new Vmcoreinfo.Zone(zone.id(), zone.name(), zone.address(), zone.size()))
                .toList(), parsed.zones());
        assertEquals(String.valueOf(fixture.table.zones().size()), parsed.value(Vmcoreinfo.ZONES).orElseThrow());
    }

    // --- helpers

    private CoreFile core() {
        return new CoreFile(fixture.concatenation());
    }

    /**
     * Checks that the PT_LOADs are the zones other than ELF and VMCOREINFO, in id order, starting
     * right after those two and ending at the end of the file, each holding its zone's bytes.
     */
    private CoreFile assertLoadsAreTheZones() {
        byte[] file = fixture.concatenation();
        CoreFile core = new CoreFile(file);
        List<ZoneSlot> zones = fixture.table.zones().stream().filter(zone -> zone.id() > 2).toList();
        List<Segment> loads = core.loads();
        assertEquals(zones.size(), loads.size());
        long offset = padded(fixture.image.elf().byteSize()) + padded(fixture.image.vmcoreinfo().byteSize());
        for (int i = 0; i < zones.size(); i++) {
            ZoneSlot zone = zones.get(i);
            long size = padded(zone.size());
            assertEquals(new Segment(CoreFile.PT_LOAD, 6, offset, zone.address(), size, size), loads.get(i));
            assertArrayEquals(Arrays.copyOf(zone.memory().toArray(JAVA_BYTE), (int) size), core.contents(loads.get(i)));
            offset += size;
        }
        assertEquals(file.length, offset, "the last zone ends the file");
        return core;
    }

    /** @return a segment whose bytes are all 0xaa, so that a test sees every byte the writer skipped */
    private MemorySegment dirty(int size) {
        return fixture.arena.allocate(size).fill((byte) 0xaa);
    }

    private static void assertBytes(String expectedHex, MemorySegment actual) {
        byte[] expected = HexFormat.of().parseHex(expectedHex.replaceAll("\\s+", ""));
        assertEquals(HexFormat.ofDelimiter(" ").formatHex(expected),
                HexFormat.ofDelimiter(" ").formatHex(actual.toArray(JAVA_BYTE)));
    }

    private static ByteBuffer littleEndian(Note note) {
        return ByteBuffer.wrap(note.descriptor()).order(ByteOrder.LITTLE_ENDIAN);
    }
}
