package org.kmemdump.collector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.Vmcoreinfo;

/**
 * Writes a core with headers of our own, for when the coreimage zones are missing or do not match
 * the table:
 *
 * <pre>
 * Elf64_Ehdr | Elf64_Phdr: PT_NOTE, one PT_LOAD per region read | region bytes, each padded to 4 |
 * notes: CORE/NT_PRSTATUS (zeroed), VMCOREINFO (the regions and what became of them),
 *        CORE/NT_FILE (every region's name), KMEMDUMP/NT_KMEMDUMP_MISSING (those not read whole, and why)
 * </pre>
 *
 * The notes come last because they list the outcomes, known only once the regions are read. A lost
 * region gets no PT_LOAD, so gdb says "Cannot access memory" there rather than showing zeros as if
 * they were data; a region read in part gets a PT_LOAD for the part that was read.
 */
final class SynthesizedCore {
    private record Load(long offset, long address, long size) {
    }

    private SynthesizedCore() {
    }

    static List<ZoneResult> write(OutputFile core, List<PlannedZone> plan, ZoneCopier copier, ArenaFile.Header header,
            Elf64.Machine machine) throws Failure {
        long readable = plan.stream().filter(planned -> planned.source() != null).count();
        long offset = Elf64.align4(Elf64.EHDR_SIZE + (1 + readable) * Elf64.PHDR_SIZE);
        List<Load> loads = new ArrayList<>();
        List<ZoneResult> results = new ArrayList<>(plan.size());
        for (PlannedZone planned : plan) {
            core.position(offset);
            ZoneCopier.Copied copied = copier.copy(planned);
            if (copied.bytes() > 0) {
                loads.add(new Load(offset, planned.zone().address(), copied.bytes()));
                offset += Elf64.align4(copied.bytes());
            }
            results.add(ZoneResult.of(planned, copied.outcome()));
        }
        byte[] text = vmcoreinfo(results, header).getBytes(StandardCharsets.US_ASCII);
        byte[] zoneNotes = CoreZoneNotes.of(results);
        try (Arena arena = Arena.ofConfined()) {
            long vmcoreinfoEnd = Elf64.noteSize(Elf64.CORE_NOTE, machine.prstatusSize()) + Elf64.noteSize(Vmcoreinfo.NOTE_NAME, text.length);
            long notesSize = vmcoreinfoEnd + zoneNotes.length;
            MemorySegment notes = arena.allocate(notesSize);
            Elf64.writeNoteHeader(notes, 0, Elf64.CORE_NOTE, machine.prstatusSize(), Elf64.NT_PRSTATUS); // zeroed: no registers to tell
            long descriptor = Elf64.writeNoteHeader(notes, Elf64.noteSize(Elf64.CORE_NOTE, machine.prstatusSize()), Vmcoreinfo.NOTE_NAME,
                    text.length, 0);
            MemorySegment.copy(MemorySegment.ofArray(text), 0, notes, descriptor, text.length);
            MemorySegment.copy(MemorySegment.ofArray(zoneNotes), 0, notes, vmcoreinfoEnd, zoneNotes.length);
            core.writeAt(offset, notes.asByteBuffer());

            MemorySegment headers = arena.allocate(Elf64.EHDR_SIZE + (1L + loads.size()) * Elf64.PHDR_SIZE);
            Elf64.writeCoreHeader(headers, machine.elfMachine(), 1 + loads.size());
            Elf64.writeProgramHeader(headers, 0, Elf64.PT_NOTE, offset, 0, notesSize);
            for (int i = 0; i < loads.size(); i++) {
                Load load = loads.get(i);
                Elf64.writeProgramHeader(headers, i + 1, Elf64.PT_LOAD, load.offset(), load.address(), load.size());
            }
            core.writeAt(0, headers.asByteBuffer());
        }
        return results;
    }

    /** The note's text: the keys the runtime writes, the zones, and why each one not read whole is missing. */
    private static String vmcoreinfo(List<ZoneResult> results, ArenaFile.Header header) {
        Vmcoreinfo.Writer text = Vmcoreinfo.writer()
                .key(Vmcoreinfo.HEADERS, "synthesized by kmemdump-collector")
                .key(Vmcoreinfo.PID, header.pid())
                .key(Vmcoreinfo.BACKEND, TerminalText.clean(header.backend()))
                .key(Vmcoreinfo.ZONES, results.size());
        for (ZoneResult result : results) {
            Zone zone = result.zone();
            text.zone(zone.id(), TerminalText.clean(zone.name()), zone.address(), zone.size());
            if (!result.outcome().ok()) {
                text.outcome(zone.id(), TerminalText.clean(result.outcome().text()));
            }
        }
        return text.text();
    }
}
