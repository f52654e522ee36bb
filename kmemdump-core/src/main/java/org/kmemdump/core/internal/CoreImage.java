package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.ELF;
import static org.kmemdump.api.ZoneIds.MAX_ZONES;
import static org.kmemdump.api.ZoneIds.VMCOREINFO;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.List;

import org.kmemdump.format.Elf64;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.Vmcoreinfo;

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
    /** Room for the text: about 60 bytes for each of the 200 zones, and the runtime's keys. */
    static final int VMCOREINFO_CAPACITY = 16 * 1024;

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
        long prpsinfoOffset = notesOffset + Elf64.noteSize(Elf64.CORE_NOTE, host.prstatusSize());
        vmcoreinfoNoteOffset = prpsinfoOffset + Elf64.noteSize(Elf64.CORE_NOTE, Elf64.PRPSINFO_SIZE);
        elf = memory.allocate(vmcoreinfoNoteOffset + Elf64.noteHeaderSize(Vmcoreinfo.NOTE_NAME), 8);
        vmcoreinfo = memory.allocate(VMCOREINFO_CAPACITY, 8);

        long prstatus = Elf64.writeNoteHeader(elf, notesOffset, Elf64.CORE_NOTE, host.prstatusSize(), Elf64.NT_PRSTATUS);
        elf.set(LittleEndian.U32, prstatus + Elf64.PRSTATUS_PID, (int) host.pid());
        long prpsinfo = Elf64.writeNoteHeader(elf, prpsinfoOffset, Elf64.CORE_NOTE, Elf64.PRPSINFO_SIZE, Elf64.NT_PRPSINFO);
        Elf64.writePrpsinfo(elf.asSlice(prpsinfo), (int) host.pid(), "java", host.command());
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
        Elf64.writeNoteHeader(elf, vmcoreinfoNoteOffset, Vmcoreinfo.NOTE_NAME, textLength, 0);
        Elf64.writeCoreHeader(elf, host.elfMachine(), phnum);
    }

    private String vmcoreinfoText(List<ZoneSlot> zones, String backendName) {
        Vmcoreinfo.Writer text = Vmcoreinfo.writer()
                .key(Vmcoreinfo.OSRELEASE, release)
                .key(Vmcoreinfo.PAGESIZE, host.pageSize())
                .key(Vmcoreinfo.PID, host.pid())
                .key(Vmcoreinfo.BACKEND, backendName)
                .key(Vmcoreinfo.ZONES, zones.size());
        for (ZoneSlot zone : zones) {
            text.zone(zone.id(), zone.name(), zone.address(), zone.size());
        }
        return text.text();
    }
}
