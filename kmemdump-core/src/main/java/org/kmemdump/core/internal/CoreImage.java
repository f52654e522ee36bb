package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.ELF;
import static org.kmemdump.api.ZoneIds.MAX_ZONES;
import static org.kmemdump.api.ZoneIds.VMCOREINFO;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

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
 * Both zones are brought up to date on every table change, under the table's lock, one zone at a
 * time: its program header and its text line are inserted or removed where its id puts them, and
 * only what moved is rewritten. A zone above all others (the usual case: the runtime's zones have
 * the lowest ids) costs one program header and one line. One below others moves every later
 * program header and line, because the zones concatenated are the core file: a zone's file offset
 * is the sum of the sizes of the zones before it, and its line follows theirs. That stays
 * O(zones). The key lines that change (the backend, the zone count) come after the zone lines
 * ({@link Vmcoreinfo}'s order), so a change of their length moves no zone line.
 */
final class CoreImage implements ZoneTable.Listener {
    /** Room for the text: about 60 bytes for each of the 200 zones, and the runtime's keys. */
    static final int VMCOREINFO_CAPACITY = 16 * 1024;
    /** The text bytes the zone holds at most: the rest of a longer text is cut, and a NUL ends it. */
    private static final int ROOM = VMCOREINFO_CAPACITY - 1;
    private static final byte[] NOTHING = {};

    private final MemorySegment elf;
    private final MemorySegment vmcoreinfo;
    private final long notesOffset;
    private final long vmcoreinfoNoteOffset;
    /** Where the first PT_LOAD starts: right after the two coreimage zones. */
    private final long loadStart;

    /** The ids of the zones described: the next one above a zone is found without walking free ids. */
    private final BitSet described = new BitSet(MAX_ZONES);
    private String backendName = "none";

    /**
     * The whole text (the zone holds its first {@link #ROOM} bytes): the head (the key lines fixed
     * for the run), the zone lines, then the tail (the key lines that change); each zone's line start.
     */
    private byte[] text = new byte[ROOM];
    private int textLength;
    private int tailLength;
    /** The text bytes the zone holds, and the range of the text changed since the zone was last written. */
    private int zoneLength;
    private int dirtyFrom = Integer.MAX_VALUE;
    private int dirtyTo;
    private final int[] lineStart = new int[MAX_ZONES];
    private final byte[][] lines = new byte[MAX_ZONES][];
    private final ZoneSlot[] lineZones = new ZoneSlot[MAX_ZONES];
    private final byte[][] tailByCount = new byte[MAX_ZONES + 1][];
    private String tailBackend;

    /** The program headers written (index 0 the PT_NOTE), and which one is each zone's PT_LOAD. */
    private int phnum = 1;
    private final long[] phdrOffset = new long[MAX_ZONES];
    private final long[] phdrVaddr = new long[MAX_ZONES];
    private final long[] phdrSize = new long[MAX_ZONES];
    private final int[] phdrOf = new int[MAX_ZONES];
    private long noteSize;
    private int noteTextLength;

    CoreImage(SegmentAllocator memory, Host host, String release) {
        notesOffset = Elf64.EHDR_SIZE + (long) MAX_ZONES * Elf64.PHDR_SIZE;
        long prpsinfoOffset = notesOffset + Elf64.noteSize(Elf64.CORE_NOTE, host.prstatusSize());
        vmcoreinfoNoteOffset = prpsinfoOffset + Elf64.noteSize(Elf64.CORE_NOTE, Elf64.PRPSINFO_SIZE);
        elf = memory.allocate(vmcoreinfoNoteOffset + Elf64.noteHeaderSize(Vmcoreinfo.NOTE_NAME), 8);
        vmcoreinfo = memory.allocate(VMCOREINFO_CAPACITY, 8);
        loadStart = elf.byteSize() + Elf64.align4(vmcoreinfo.byteSize());

        long prstatus = Elf64.writeNoteHeader(elf, notesOffset, Elf64.CORE_NOTE, host.prstatusSize(), Elf64.NT_PRSTATUS);
        elf.set(LittleEndian.U32, prstatus + Elf64.PRSTATUS_PID, (int) host.pid());
        long prpsinfo = Elf64.writeNoteHeader(elf, prpsinfoOffset, Elf64.CORE_NOTE, Elf64.PRPSINFO_SIZE, Elf64.NT_PRPSINFO);
        Elf64.writePrpsinfo(elf.asSlice(prpsinfo), (int) host.pid(), "java", host.command());
        Elf64.writeNoteHeader(elf, vmcoreinfoNoteOffset, Vmcoreinfo.NOTE_NAME, 0, 0);
        noteSize = elf.byteSize() - notesOffset; // the notes, and no text yet
        Elf64.writeProgramHeader(elf, 0, Elf64.PT_NOTE, notesOffset, 0, noteSize);
        Elf64.writeCoreHeader(elf, host.elfMachine(), phnum);
        byte[] head = Vmcoreinfo.writer().key(Vmcoreinfo.OSRELEASE, release).key(Vmcoreinfo.PAGESIZE, host.pageSize())
                .key(Vmcoreinfo.PID, host.pid()).text().getBytes(StandardCharsets.UTF_8);
        splice(0, 0, head);
        writeTail();
    }

    MemorySegment elf() {
        return elf;
    }

    MemorySegment vmcoreinfo() {
        return vmcoreinfo;
    }

    @Override
    public void backendChanged(String backendName) {
        this.backendName = backendName;
        writeTail();
    }

    @Override
    public void zoneChanged(ZoneSlot before, ZoneSlot after) {
        if (before != null && before.recordsAs(after)) {
            return; // only the backend's view of it changed
        }
        if (before != null) {
            remove(before);
        }
        if (after != null) {
            add(after);
        }
        writeTail();
    }

    private void add(ZoneSlot zone) {
        int id = zone.id();
        int above = nextAbove(id);
        byte[] line = line(zone);
        int at = above == 0 ? textLength - tailLength : lineStart[above];
        splice(at, 0, line);
        shiftLinesAbove(id, line.length);
        lineStart[id] = at;
        if (id != ELF && id != VMCOREINFO) {
            insertLoad(zone, above);
        }
        described.set(id);
    }

    private void remove(ZoneSlot zone) {
        int id = zone.id();
        described.clear(id);
        int length = lines[id].length;
        splice(lineStart[id], length, NOTHING);
        shiftLinesAbove(id, -length);
        if (id != ELF && id != VMCOREINFO) {
            removeLoad(phdrOf[id], Elf64.align4(zone.size()));
            shiftLoadsAbove(id, -1);
        }
    }

    /** @return the lowest id above {@code id} that is described, or 0 if none is */
    private int nextAbove(int id) {
        return Math.max(described.nextSetBit(id + 1), 0);
    }

    private void shiftLinesAbove(int id, int by) {
        for (int next = nextAbove(id); next != 0; next = nextAbove(next)) {
            lineStart[next] += by;
        }
    }

    private void shiftLoadsAbove(int id, int by) {
        for (int next = nextAbove(id); next != 0; next = nextAbove(next)) {
            if (next != ELF && next != VMCOREINFO) {
                phdrOf[next] += by;
            }
        }
    }

    /** Inserts the zone's PT_LOAD before the one of zone {@code above} (or last): the later ones move up one header and one size. */
    private void insertLoad(ZoneSlot zone, int above) {
        int index = above == 0 ? phnum : phdrOf[above];
        long offset = index == phnum ? loadEnd() : phdrOffset[index];
        long size = Elf64.align4(zone.size());
        for (int later = phnum - 1; later >= index; later--) {
            writeLoad(later + 1, phdrOffset[later] + size, phdrVaddr[later], phdrSize[later]);
        }
        writeLoad(index, offset, zone.address(), size);
        shiftLoadsAbove(zone.id(), 1);
        phdrOf[zone.id()] = index;
        phnum++;
        elf.set(LittleEndian.U16, Elf64.E_PHNUM, (short) phnum); // last: every header it counts is written
    }

    /** Removes PT_LOAD {@code index}: the later ones move down one header and back by its size. */
    private void removeLoad(int index, long size) {
        phnum--;
        elf.set(LittleEndian.U16, Elf64.E_PHNUM, (short) phnum); // first: no header it counts is half moved at the end
        for (int later = index; later < phnum; later++) {
            writeLoad(later, phdrOffset[later + 1] - size, phdrVaddr[later + 1], phdrSize[later + 1]);
        }
        // zeroed, so that the zone's bytes depend on its zones only, not on how they came and went
        elf.asSlice(Elf64.EHDR_SIZE + (long) phnum * Elf64.PHDR_SIZE, Elf64.PHDR_SIZE).fill((byte) 0);
    }

    private long loadEnd() {
        return phnum == 1 ? loadStart : phdrOffset[phnum - 1] + phdrSize[phnum - 1];
    }

    private void writeLoad(int index, long offset, long vaddr, long size) {
        Elf64.writeProgramHeader(elf, index, Elf64.PT_LOAD, offset, vaddr, size);
        phdrOffset[index] = offset;
        phdrVaddr[index] = vaddr;
        phdrSize[index] = size;
    }

    /** The PT_NOTE covers the notes and the text, and the VMCOREINFO note header gives the text's length. */
    private void writeNote() {
        int written = Math.min(textLength, ROOM);
        long size = elf.byteSize() - notesOffset + Elf64.align4(written);
        if (size != noteSize) {
            Elf64.writeProgramHeaderSize(elf, 0, size);
            noteSize = size;
        }
        if (written != noteTextLength) {
            Elf64.writeNoteDescriptorSize(elf, vmcoreinfoNoteOffset, written);
            noteTextLength = written;
        }
    }

    /**
     * Brings the key lines after the zone lines (backend, zone count) up to date (no zone line moves),
     * then writes the text's changes and the note's sizes: last in every change.
     */
    private void writeTail() {
        byte[] tail = tail(backendName, described.cardinality());
        splice(textLength - tailLength, tailLength, tail);
        tailLength = tail.length;
        writeText();
        writeNote();
    }

    /**
     * Writes to the zone the text bytes changed since it was last written, as far as it has room, in
     * one copy; bytes the text no longer reaches are zeroed.
     */
    private void writeText() {
        int length = Math.min(textLength, ROOM);
        int end = Math.min(dirtyTo, length); // a change that a later one shortened away is not written
        if (dirtyFrom < end) {
            MemorySegment.copy(text, dirtyFrom, vmcoreinfo, ValueLayout.JAVA_BYTE, dirtyFrom, end - dirtyFrom);
        }
        if (length < zoneLength) {
            vmcoreinfo.asSlice(length, zoneLength - length).fill((byte) 0);
        }
        zoneLength = length;
        dirtyFrom = Integer.MAX_VALUE;
        dirtyTo = 0;
    }

    /** Replaces {@code removed} bytes of the text at {@code from} by {@code insert}, and notes which bytes changed. */
    private void splice(int from, int removed, byte[] insert) {
        int length = textLength - removed + insert.length;
        if (length > text.length) {
            text = Arrays.copyOf(text, Math.max(length, 2 * text.length));
        }
        int firstChange;
        int endOfChange;
        if (insert.length == removed) {
            int differs = Arrays.mismatch(text, from, from + removed, insert, 0, insert.length);
            if (differs < 0) {
                return;
            }
            firstChange = from + differs;
            endOfChange = from + insert.length;
            System.arraycopy(insert, 0, text, from, insert.length);
        } else {
            System.arraycopy(text, from + removed, text, from + insert.length, textLength - from - removed);
            System.arraycopy(insert, 0, text, from, insert.length);
            firstChange = from;
            endOfChange = length;
        }
        dirtyFrom = Math.min(dirtyFrom, firstChange);
        dirtyTo = Math.max(dirtyTo, endOfChange);
        textLength = length;
    }
    /** The key lines after the zone lines, made once per backend and number of zones: they change with nothing else. */
    private byte[] tail(String backendName, int zoneCount) {
        if (!backendName.equals(tailBackend)) {
            Arrays.fill(tailByCount, null);
            tailBackend = backendName;
        }
        if (tailByCount[zoneCount] == null) {
            tailByCount[zoneCount] = Vmcoreinfo.writer()
                    .key(Vmcoreinfo.BACKEND, backendName)
                    .key(Vmcoreinfo.ZONES, zoneCount)
                    .text().getBytes(StandardCharsets.UTF_8);
        }
        return tailByCount[zoneCount];
    }

    /** A zone's line, made once for the zone registered at its id. */
    private byte[] line(ZoneSlot zone) {
        if (!zone.recordsAs(lineZones[zone.id()])) {
            lines[zone.id()] = Vmcoreinfo.writer().zone(zone.id(), zone.name(), zone.address(), zone.size()).text()
                    .getBytes(StandardCharsets.UTF_8);
            lineZones[zone.id()] = zone;
        }
        return lines[zone.id()];
    }
}
