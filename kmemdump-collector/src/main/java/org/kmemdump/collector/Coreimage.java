package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.MinidumpTable;

/**
 * The runtime's coreimage zones (ELF, id 1, and VMCOREINFO, id 2) as the core's headers, usable
 * only when they describe exactly the regions being collected (from the table, the zone directory
 * or both): then the core file is those two zones followed by the others, in ascending id order,
 * each padded to 4, as the firmware plus a host tool would make it. A table or directory changed
 * after the last rewrite of the zones, a rewrite torn by a kill, or a corrupt zone makes them
 * unusable, and the collector builds headers of its own.
 *
 * @param problem why the zones cannot be used, or {@code null}
 */
record Coreimage(PlannedZone elfZone, byte[] elf, PlannedZone vmcoreinfoZone, byte[] vmcoreinfo, String problem) {
    /** The runtime's ELF zone is about 12 KiB and its VMCOREINFO zone 16 KiB: anything far larger is not one. */
    static final long MAX_ZONE_SIZE = 1 << 20;

    static Coreimage unusable(String problem) {
        return new Coreimage(null, null, null, null, problem);
    }

    boolean usable() {
        return problem == null;
    }

    /** @param plan every region, in ascending id order */
    static Coreimage find(List<PlannedZone> plan, ArenaFile.Header header, ArenaSource arena) {
        if (plan.size() < 2 || plan.get(0).zone().id() != KnownZones.ELF || plan.get(1).zone().id() != KnownZones.VMCOREINFO) {
            return unusable("no coreimage zones (ids " + KnownZones.ELF + " and " + KnownZones.VMCOREINFO + ") among the regions");
        }
        PlannedZone elfZone = plan.get(0);
        PlannedZone vmcoreinfoZone = plan.get(1);
        if (elfZone.source() != arena || vmcoreinfoZone.source() != arena) {
            return unusable("the coreimage zones are not in the arena file");
        }
        Zone elf = elfZone.zone();
        Zone vmcoreinfo = vmcoreinfoZone.zone();
        // the table stores sizes rounded up to 4, the arena header as allocated
        if (elf.address() != header.elfAddress() || vmcoreinfo.address() != header.vmcoreinfoAddress()
                || elf.size() != Elf64.align4(header.elfSize()) || vmcoreinfo.size() != Elf64.align4(header.vmcoreinfoSize())) {
            return unusable("the arena header puts the coreimage zones at " + Sizes.hex(header.elfAddress()) + " ("
                    + header.elfSize() + " bytes) and " + Sizes.hex(header.vmcoreinfoAddress()) + " (" + header.vmcoreinfoSize()
                    + " bytes), the regions at " + Sizes.hex(elf.address()) + " (" + elf.size() + ") and "
                    + Sizes.hex(vmcoreinfo.address()) + " (" + vmcoreinfo.size() + ")");
        }
        if (elf.size() > MAX_ZONE_SIZE || vmcoreinfo.size() > MAX_ZONE_SIZE) {
            return unusable("a coreimage zone of " + Math.max(elf.size(), vmcoreinfo.size()) + " bytes is larger than one can be ("
                    + MAX_ZONE_SIZE + ")");
        }
        byte[] elfBytes = arena.snapshot(elf);
        byte[] vmcoreinfoBytes = arena.snapshot(vmcoreinfo);
        if (elfBytes == null || vmcoreinfoBytes == null) {
            return unusable("the arena file shrank while the coreimage zones were read");
        }
        List<PlannedZone> others = plan.subList(2, plan.size()).stream().filter(PlannedZone::describesMemory).toList();
        String problem = check(MemorySegment.ofArray(elfBytes), Elf64.align4(vmcoreinfo.size()), others);
        if (problem != null) {
            return unusable("the ELF zone does not match the regions: " + problem);
        }
        String listingMismatch = VmcoreinfoText.mismatch(vmcoreinfoBytes, plan);
        if (listingMismatch != null) {
            return unusable("the VMCOREINFO zone does not list the regions: " + listingMismatch);
        }
        return new Coreimage(elfZone, elfBytes, vmcoreinfoZone, vmcoreinfoBytes, null);
    }

    /**
     * An ELF zone's program headers, checked as far as a core reader would: an {@code ET_CORE}
     * header with {@code e_phentsize} right and 1 to {@value MinidumpTable#MAX_REGIONS} program
     * headers inside the zone.
     *
     * @param problem why the zone is no core header, or {@code null}
     */
    record ProgramHeaders(MemorySegment elf, long phoff, int phnum, String problem) {
        static ProgramHeaders of(MemorySegment elf) {
            long elfSize = elf.byteSize();
            if (elfSize < Elf64.EHDR_SIZE) {
                return bad(elf, "it is " + elfSize + " bytes, less than an ELF header");
            }
            byte[] ident = elf.asSlice(0, Elf64.MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
            if (!Arrays.equals(ident, Elf64.MAGIC) || elf.get(ValueLayout.JAVA_BYTE, Elf64.EI_CLASS) != Elf64.ELFCLASS64
                    || elf.get(ValueLayout.JAVA_BYTE, Elf64.EI_DATA) != Elf64.ELFDATA2LSB) {
                return bad(elf, "no little-endian ELF64 magic");
            }
            if (elf.get(LittleEndian.U16, Elf64.E_TYPE) != Elf64.ET_CORE) {
                return bad(elf, "e_type is " + elf.get(LittleEndian.U16, Elf64.E_TYPE) + ", not ET_CORE");
            }
            long phoff = elf.get(LittleEndian.U64, Elf64.E_PHOFF);
            int phentsize = Short.toUnsignedInt(elf.get(LittleEndian.U16, Elf64.E_PHENTSIZE));
            int phnum = Short.toUnsignedInt(elf.get(LittleEndian.U16, Elf64.E_PHNUM));
            if (phentsize != Elf64.PHDR_SIZE) {
                return bad(elf, "e_phentsize is " + phentsize + ", not " + Elf64.PHDR_SIZE);
            }
            if (phnum < 1 || phnum > MinidumpTable.MAX_REGIONS) {
                return bad(elf, "e_phnum is " + phnum + ", not 1.." + MinidumpTable.MAX_REGIONS);
            }
            if (phoff < Elf64.EHDR_SIZE || phoff > elfSize || (long) phnum * Elf64.PHDR_SIZE > elfSize - phoff) {
                return bad(elf, "the program headers (e_phoff " + phoff + ", " + phnum + " entries) do not lie in the zone");
            }
            return new ProgramHeaders(elf, phoff, phnum, null);
        }

        private static ProgramHeaders bad(MemorySegment elf, String problem) {
            return new ProgramHeaders(elf, 0, 0, problem);
        }

        /** @return program header {@code index}, which must be below {@link #phnum} */
        MemorySegment entry(int index) {
            return elf.asSlice(phoff + (long) index * Elf64.PHDR_SIZE, Elf64.PHDR_SIZE);
        }

        /** @return what the {@code PT_LOAD}s map: looked up once per zone, not searched (200 zones by 200 headers) */
        Set<Load> loads() {
            Set<Load> loads = new HashSet<>();
            for (int i = 0; i < phnum; i++) {
                MemorySegment load = entry(i);
                if (load.get(LittleEndian.U32, Elf64.P_TYPE) == Elf64.PT_LOAD) {
                    loads.add(new Load(load.get(LittleEndian.U64, Elf64.P_VADDR), load.get(LittleEndian.U64, Elf64.P_FILESZ)));
                }
            }
            return loads;
        }
    }

    /** A {@code PT_LOAD}'s {@code p_vaddr} and {@code p_filesz}. */
    record Load(long address, long size) {
    }

    /**
     * Parses the ELF zone as far as a core reader would ({@link ProgramHeaders}), then checks
     * {@code PT_NOTE} first and within the two coreimage zones, then one {@code PT_LOAD} per other
     * region, same address and padded size, offsets contiguous from the end of the coreimage zones.
     */
    static String check(MemorySegment elf, long vmcoreinfoSize, List<PlannedZone> others) {
        ProgramHeaders headers = ProgramHeaders.of(elf);
        if (headers.problem() != null) {
            return headers.problem();
        }
        int phnum = headers.phnum();
        long coreimageEnd = Elf64.align4(elf.byteSize()) + vmcoreinfoSize;
        MemorySegment note = headers.entry(0);
        long noteOffset = note.get(LittleEndian.U64, Elf64.P_OFFSET);
        long noteSize = note.get(LittleEndian.U64, Elf64.P_FILESZ);
        if (note.get(LittleEndian.U32, Elf64.P_TYPE) != Elf64.PT_NOTE) {
            return "the first program header is not PT_NOTE";
        }
        if (noteOffset < 0 || noteOffset > coreimageEnd || noteSize < 0 || noteSize > coreimageEnd - noteOffset) {
            return "PT_NOTE (offset " + noteOffset + ", size " + noteSize + ") does not lie in the coreimage zones";
        }
        if (phnum - 1 != others.size()) {
            return (phnum - 1) + " PT_LOADs for " + others.size() + " regions";
        }
        long offset = coreimageEnd;
        for (int i = 0; i < others.size(); i++) {
            Zone zone = others.get(i).zone();
            MemorySegment load = headers.entry(i + 1);
            long size = Elf64.align4(zone.size());
            if (load.get(LittleEndian.U32, Elf64.P_TYPE) != Elf64.PT_LOAD || load.get(LittleEndian.U64, Elf64.P_VADDR) != zone.address()
                    || load.get(LittleEndian.U64, Elf64.P_FILESZ) != size || load.get(LittleEndian.U64, Elf64.P_MEMSZ) != size
                    || load.get(LittleEndian.U64, Elf64.P_OFFSET) != offset) {
                return "program header " + (i + 1) + " is not PT_LOAD at offset " + offset + " for region "
                        + Integer.toUnsignedString(zone.id()) + " (" + Sizes.hex(zone.address()) + ", " + size + " bytes)";
            }
            offset += size;
        }
        return null;
    }
}
