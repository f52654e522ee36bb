package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.kmemdump.format.Elf64;
import org.kmemdump.format.LittleEndian;

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
