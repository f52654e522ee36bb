package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.ELF;
import static org.kmemdump.api.ZoneIds.MAX_ZONES;
import static org.kmemdump.api.ZoneIds.VMCOREINFO;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * Both zones are brought up to date on every table change, under the table's lock: the headers
 * and text are computed whole from values kept in Java (a zone's line is made once), and only the
 * bytes that differ from what the zones hold are written. A change to the zone of the highest id
 * writes a few dozen bytes; one below others moves every later program header and line, because
 * their file offsets and text positions follow it: that stays O(zones).
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
    /** What the zones hold now: the text's bytes, and offset, vaddr and size of each program header written. */
    private byte[] text = new byte[VMCOREINFO_CAPACITY - 1];
    private int textLength;
    private byte[] spare = new byte[VMCOREINFO_CAPACITY - 1];
    private final long[][] phdrs = new long[MAX_ZONES][3];
    private int writtenPhnum = -1;
    private int noteTextLength = -1;
    private String keysBackend;
    private final byte[][] keysByCount = new byte[MAX_ZONES + 1][];
    private final ZoneSlot[] lineZones = new ZoneSlot[MAX_ZONES];
    private final byte[][] lines = new byte[MAX_ZONES][];

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
        int textLength = writeVmcoreinfo(zones, backendName);
        // the first PT_LOAD starts right after the two coreimage zones
        long offset = elf.byteSize() + Elf64.align4(vmcoreinfo.byteSize());
        int phnum = 0;
        writeProgramHeader(phnum++, Elf64.PT_NOTE, notesOffset, 0, elf.byteSize() - notesOffset + Elf64.align4(textLength));
        for (ZoneSlot zone : zones) {
            if (zone.id() == ELF || zone.id() == VMCOREINFO) {
                continue;
            }
            long size = Elf64.align4(zone.size());
            writeProgramHeader(phnum++, Elf64.PT_LOAD, offset, zone.address(), size);
            offset += size;
        }
        if (textLength != noteTextLength) {
            Elf64.writeNoteHeader(elf, vmcoreinfoNoteOffset, Vmcoreinfo.NOTE_NAME, textLength, 0);
            noteTextLength = textLength;
        }
        if (writtenPhnum < 0) {
            Elf64.writeCoreHeader(elf, host.elfMachine(), phnum);
        } else if (phnum != writtenPhnum) {
            elf.set(LittleEndian.U16, Elf64.E_PHNUM, (short) phnum); // the only field of the ELF header that changes
        }
        writtenPhnum = phnum;
    }

    /** Writes a program header unless the zone holds it already. */
    private void writeProgramHeader(int index, int type, long offset, long vaddr, long size) {
        if (index < writtenPhnum && phdrs[index][0] == offset && phdrs[index][1] == vaddr && phdrs[index][2] == size) {
            return;
        }
        Elf64.writeProgramHeader(elf, index, type, offset, vaddr, size);
        phdrs[index][0] = offset;
        phdrs[index][1] = vaddr;
        phdrs[index][2] = size;
    }

    /**
     * Assembles the text from lines kept per zone and writes only the bytes that differ from what
     * the zone holds (as much as fits with a terminating NUL; what the old text had beyond is zeroed).
     *
     * @return the number of text bytes
     */
    private int writeVmcoreinfo(List<ZoneSlot> zones, String backendName) {
        byte[] next = spare;
        int length = append(next, 0, keys(backendName, zones.size()));
        for (ZoneSlot zone : zones) {
            length = append(next, length, line(zone));
        }
        int from = Arrays.mismatch(text, 0, textLength, next, 0, length);
        if (from >= 0) {
            MemorySegment.copy(next, from, vmcoreinfo, ValueLayout.JAVA_BYTE, from, length - from);
            if (textLength > length) {
                vmcoreinfo.asSlice(length, textLength - length).fill((byte) 0);
            }
        }
        spare = text;
        text = next;
        textLength = length;
        return length;
    }

    private static int append(byte[] to, int at, byte[] bytes) {
        int length = Math.min(bytes.length, to.length - at);
        System.arraycopy(bytes, 0, to, at, length);
        return at + length;
    }

    /** The key lines, made once per backend and number of zones: they change with nothing else. */
    private byte[] keys(String backendName, int zoneCount) {
        if (!backendName.equals(keysBackend)) {
            Arrays.fill(keysByCount, null);
            keysBackend = backendName;
        }
        if (keysByCount[zoneCount] == null) {
            keysByCount[zoneCount] = Vmcoreinfo.writer()
                    .key(Vmcoreinfo.OSRELEASE, release)
                    .key(Vmcoreinfo.PAGESIZE, host.pageSize())
                    .key(Vmcoreinfo.PID, host.pid())
                    .key(Vmcoreinfo.BACKEND, backendName)
                    .key(Vmcoreinfo.ZONES, zoneCount)
                    .text().getBytes(StandardCharsets.UTF_8);
        }
        return keysByCount[zoneCount];
    }

    /** A zone's line, made once for the zone registered at its id. */
    private byte[] line(ZoneSlot zone) {
        ZoneSlot known = lineZones[zone.id()];
        if (known == null || known.memory() != zone.memory() || known.canonical() != zone.canonical() || !known.name().equals(zone.name())) {
            lines[zone.id()] = Vmcoreinfo.writer().zone(zone.id(), zone.name(), zone.address(), zone.size()).text()
                    .getBytes(StandardCharsets.UTF_8);
            lineZones[zone.id()] = zone;
        }
        return lines[zone.id()];
    }
}
