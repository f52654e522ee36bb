package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.kmemdump.format.Elf64;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.ZoneNotes;

/** The program headers of a core file, enough for tests to find a region's bytes by its address. */
record CoreSegments(byte[] file, List<Segment> segments) {
    record Segment(int type, long offset, long vaddr, long filesz) {
    }

    static CoreSegments of(byte[] file) {
        MemorySegment elf = MemorySegment.ofArray(file);
        long phoff = elf.get(LittleEndian.U64, Elf64.E_PHOFF);
        int phnum = Short.toUnsignedInt(elf.get(LittleEndian.U16, Elf64.E_PHNUM));
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            MemorySegment header = elf.asSlice(phoff + (long) i * Elf64.PHDR_SIZE, Elf64.PHDR_SIZE);
            segments.add(new Segment(header.get(LittleEndian.U32, Elf64.P_TYPE), header.get(LittleEndian.U64, Elf64.P_OFFSET),
                    header.get(LittleEndian.U64, Elf64.P_VADDR), header.get(LittleEndian.U64, Elf64.P_FILESZ)));
        }
        return new CoreSegments(file, segments);
    }

    /**
     * @return a core made of the runtime's coreimage zones without what the collector appends to
     *         it: the zone notes after the zones, and the PT_NOTE for them (the last program
     *         header, in a slot the ELF zone left zero) with the e_phnum it raised; fails unless
     *         exactly that was appended
     */
    static byte[] zonesOf(Path core) throws IOException {
        byte[] file = Files.readAllBytes(core);
        MemorySegment elf = MemorySegment.ofArray(file);
        int phnum = Short.toUnsignedInt(elf.get(LittleEndian.U16, Elf64.E_PHNUM));
        long slot = Elf64.EHDR_SIZE + (phnum - 1L) * Elf64.PHDR_SIZE;
        MemorySegment notes = elf.asSlice(slot, Elf64.PHDR_SIZE);
        assertEquals(Elf64.PT_NOTE, notes.get(LittleEndian.U32, Elf64.P_TYPE), "the last program header is the zone notes' PT_NOTE");
        long end = notes.get(LittleEndian.U64, Elf64.P_OFFSET);
        assertEquals(file.length, end + notes.get(LittleEndian.U64, Elf64.P_FILESZ), "the zone notes end the file");
        assertTrue(Elf64.notes(elf.asSlice(end)).stream().anyMatch(note -> note.type() == ZoneNotes.NT_FILE), "the notes name the zones");
        byte[] zones = Arrays.copyOf(file, (int) end);
        Arrays.fill(zones, (int) slot, (int) slot + Elf64.PHDR_SIZE, (byte) 0);
        MemorySegment.ofArray(zones).set(LittleEndian.U16, Elf64.E_PHNUM, (short) (phnum - 1));
        return zones;
    }

    List<Segment> loads() {
        return segments.stream().filter(segment -> segment.type() == Elf64.PT_LOAD).toList();
    }

    /** @return the bytes of the PT_LOAD at {@code address}, or {@code null} if none is */
    byte[] at(long address) {
        return loads().stream().filter(segment -> segment.vaddr() == address).findFirst()
                .map(segment -> Arrays.copyOfRange(file, (int) segment.offset(), (int) (segment.offset() + segment.filesz())))
                .orElse(null);
    }
}
