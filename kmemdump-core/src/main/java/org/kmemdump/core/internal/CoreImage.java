package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.ELF;
import static org.kmemdump.api.ZoneIds.MAX_ZONES;
import static org.kmemdump.api.ZoneIds.VMCOREINFO;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.List;

import org.kmemdump.format.Elf64;

/**
 * The coreimage zones (kernel kmemdump v3, patch 03): zone {@code ELF} holds an ELF64 core header,
 * room for {@value org.kmemdump.api.ZoneIds#MAX_ZONES} program headers and the notes, ending with
 * the header of a {@code VMCOREINFO} note whose payload is zone {@code VMCOREINFO}. Every other zone
 * gets one {@code PT_LOAD}. So the zones, concatenated in ascending id order with each size rounded
 * up to 4, are a core file that {@code readelf} and {@code gdb} open.
 *
 * <pre>
 * zone ELF:        Elf64_Ehdr | Elf64_Phdr x 201 (PT_NOTE, then PT_LOAD per zone) |
 *                  note CORE/NT_PRSTATUS | note CORE/NT_PRPSINFO | note header VMCOREINFO
 * zone VMCOREINFO: key=value text (the VMCOREINFO note's descriptor), NUL-padded
 * zone 3, 4, ...:  the PT_LOAD segments, offsets contiguous and increasing
 * </pre>
 *
 * Both zones are rewritten on every table change, under the table's lock.
 */
final class CoreImage implements ZoneTable.Listener {
    static final String CORE = "CORE";
    static final String VMCOREINFO_NOTE = "VMCOREINFO";
    /** Room for the text: about 60 bytes for each of the 200 zones, and the runtime's keys. */
    static final int VMCOREINFO_CAPACITY = 16 * 1024;
    static final int PRPSINFO_SIZE = 136;
    private static final long PRPSINFO_SNAME = 1;
    private static final long PRPSINFO_PID = 24;
    private static final long PRPSINFO_FNAME = 40;
    private static final long PRPSINFO_PSARGS = 56;
    private static final long PRSTATUS_PID = 32;

    private final Host host;
    private final String release;
    private final MemorySegment elf;
    private final MemorySegment vmcoreinfo;
    private final long notesOffset;
    private final long vmcoreinfoNoteOffset;

    CoreImage(SegmentAllocator memory, Host host, String release) {
        this.host = host;
        this.release = release;
        notesOffset = Elf64.EHDR_SIZE + (long) MAX_ZONES * Elf64.PHDR_SIZE;
        long prpsinfoOffset = notesOffset + Elf64.noteSize(CORE, host.prstatusSize());
        vmcoreinfoNoteOffset = prpsinfoOffset + Elf64.noteSize(CORE, PRPSINFO_SIZE);
        elf = memory.allocate(vmcoreinfoNoteOffset + Elf64.noteHeaderSize(VMCOREINFO_NOTE), 8);
        vmcoreinfo = memory.allocate(VMCOREINFO_CAPACITY, 8);

        long prstatus = Elf64.writeNoteHeader(elf, notesOffset, CORE, host.prstatusSize(), Elf64.NT_PRSTATUS);
        elf.set(Elf64.U32, prstatus + PRSTATUS_PID, (int) host.pid());
        long prpsinfo = Elf64.writeNoteHeader(elf, prpsinfoOffset, CORE, PRPSINFO_SIZE, Elf64.NT_PRPSINFO);
        elf.set(ValueLayout.JAVA_BYTE, prpsinfo + PRPSINFO_SNAME, (byte) 'R');
        elf.set(Elf64.U32, prpsinfo + PRPSINFO_PID, (int) host.pid());
        Text.write(elf.asSlice(prpsinfo + PRPSINFO_FNAME, 16), "java");
        Text.write(elf.asSlice(prpsinfo + PRPSINFO_PSARGS, 80), host.command());
    }

    MemorySegment elf() {
        return elf;
    }

    MemorySegment vmcoreinfo() {
        return vmcoreinfo;
    }

    @Override
    public void zonesChanged(List<ZoneSlot> zones, String backendName) {
        int textLength = Text.write(vmcoreinfo, vmcoreinfoText(zones, backendName));
        // the first PT_LOAD starts right after the two coreimage zones
        long offset = elf.byteSize() + Elf64.align4(vmcoreinfo.byteSize());
        int phnum = 0;
        Elf64.writeProgramHeader(elf, phnum++, Elf64.PT_NOTE, notesOffset, 0,
                elf.byteSize() - notesOffset + Elf64.align4(textLength));
        for (ZoneSlot zone : zones) {
            if (zone.id() == ELF || zone.id() == VMCOREINFO) {
                continue;
            }
            long size = Elf64.align4(zone.size());
            Elf64.writeProgramHeader(elf, phnum++, Elf64.PT_LOAD, offset, zone.address(), size);
            offset += size;
        }
        Elf64.writeNoteHeader(elf, vmcoreinfoNoteOffset, VMCOREINFO_NOTE, textLength, 0);
        Elf64.writeCoreHeader(elf, host.elfMachine(), phnum);
    }

    private String vmcoreinfoText(List<ZoneSlot> zones, String backendName) {
        StringBuilder text = new StringBuilder()
                .append("OSRELEASE=").append(release).append('\n')
                .append("PAGESIZE=").append(host.pageSize()).append('\n')
                .append("PID=").append(host.pid()).append('\n')
                .append("KMEMDUMP_BACKEND=").append(backendName).append('\n')
                .append("KMEMDUMP_ZONES=").append(zones.size()).append('\n');
        for (ZoneSlot zone : zones) {
            text.append("ZONE(").append(zone.id()).append(")=").append(zone.name())
                    .append(",0x").append(Long.toHexString(zone.address()))
                    .append(',').append(zone.size()).append('\n');
        }
        return text.toString();
    }
}
