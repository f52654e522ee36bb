package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.ZoneDirectory;

/**
 * The zones the arena's zone directory lists ({@link ZoneDirectory}): every zone the runtime
 * registered, whatever backend was active. The runtime changes an entry only when its zone
 * changes, invalidating it first and validating it last, so a kill at any moment leaves every
 * other entry as it was: {@link ZoneDirectory#validEntries()} skips an entry caught half-written,
 * and any entry that is not consistent (its id field not its index, no printable name, no size).
 * Whether a listed zone can be believed also depends on where it lies and on the owner:
 * {@link ZoneSources} decides.
 *
 * <p>The coreimage zones themselves come from the arena header, which is written once: an entry
 * for id 1 or 2 that disagrees with it is ignored, and a missing one is taken from the header.
 * Every other zone is looked up in the ELF zone's program headers ({@link Listed#inElf()}).
 *
 * @param zones   the zones, in ascending id order; empty when {@code problem} is set
 * @param listed  how many valid entries the directory has, ignored ones included
 * @param ignored why entries were ignored, one note each
 * @param elf     the ELF zone's program headers, or why they cannot be used
 * @param problem why the directory lists nothing usable, or {@code null}
 */
record DirectoryListing(List<Listed> zones, int listed, List<String> ignored, Coreimage.ProgramHeaders elf, String problem) {

    /**
     * A zone as listed.
     *
     * @param size  as listed, not rounded
     * @param inElf     whether the ELF zone has a {@code PT_LOAD} for exactly this zone (always for
     *                  the coreimage zones, which have none: the arena header vouches for them)
     * @param sensitive whether the entry is flagged {@link ZoneDirectory#SENSITIVE}
     */
    record Listed(int id, String name, long address, long size, boolean inElf, boolean sensitive) {
        /** @return the zone to collect, its size rounded up to 4 as a backend stores it in the table */
        Zone zone() {
            return new Zone(id, name, address, Elf64.align4(size), Zone.ListedBy.DIRECTORY, sensitive);
        }

        String describe() {
            return "zone " + id + " '" + name + "' at " + Sizes.hex(address) + " (" + Long.toUnsignedString(size) + " bytes)";
        }
    }

    static DirectoryListing unusable(String problem) {
        return new DirectoryListing(List.of(), 0, List.of(), null, problem);
    }

    boolean usable() {
        return problem == null;
    }

    /**
     * Never throws: whatever the arena holds, the result is a listing or a problem naming the file.
     *
     * @param arena the arena file's mapping, which {@link ArenaFile#read} accepted
     */
    /** @param extents where the arena file holds data: the ELF zone's holes are not read */
    static DirectoryListing read(ArenaFile.Header header, MemorySegment arena, Extents extents, String where) {
        List<ZoneDirectory.Entry> entries;
        try {
            entries = ArenaFile.directory(arena).validEntries();
        } catch (InternalError | IndexOutOfBoundsException e) { // a shrunk mapping faults
            return unusable(where + ": the arena file shrank while its zone directory was read");
        }
        if (entries.isEmpty()) {
            return unusable(where + ": the zone directory lists no zone (the runtime registered none before it ended)");
        }
        Coreimage.ProgramHeaders elf = elfHeaders(header, arena, extents, where);
        Set<Coreimage.Load> loads = elf.problem() == null ? elf.loads() : Set.of();
        Map<Integer, Listed> byId = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        for (ZoneDirectory.Entry entry : entries) {
            boolean coreimageZone = entry.id() == KnownZones.ELF || entry.id() == KnownZones.VMCOREINFO;
            Listed zone = new Listed(entry.id(), entry.name(), entry.address(), entry.size(),
                    coreimageZone || loads.contains(new Coreimage.Load(entry.address(), Elf64.align4(entry.size()))), entry.sensitive());
            String disagreement = coreimageZoneProblem(zone, header);
            if (disagreement != null) {
                ignored.add("the zone directory lists " + zone.describe() + ", which " + disagreement + ": ignored");
            } else {
                byId.put(zone.id(), zone);
            }
        }
        headerZone(byId, KnownZones.ELF, KnownZones.ELF_NAME, header.elfAddress(), header.elfSize(), header);
        headerZone(byId, KnownZones.VMCOREINFO, KnownZones.VMCOREINFO_NAME, header.vmcoreinfoAddress(), header.vmcoreinfoSize(), header);
        return new DirectoryListing(List.copyOf(byId.values()), entries.size(), List.copyOf(ignored), elf, null);
    }

    /** @return why an entry for a coreimage zone disagrees with the arena header, or {@code null} */
    private static String coreimageZoneProblem(Listed zone, ArenaFile.Header header) {
        if (zone.id() == KnownZones.ELF && (!zone.name().equals(KnownZones.ELF_NAME) || zone.address() != header.elfAddress()
                || zone.size() != header.elfSize())) {
            return "disagrees with the arena header's ELF zone (" + Sizes.hex(header.elfAddress()) + ", "
                    + Long.toUnsignedString(header.elfSize()) + " bytes)";
        }
        if (zone.id() == KnownZones.VMCOREINFO && (!zone.name().equals(KnownZones.VMCOREINFO_NAME) || zone.address() != header.vmcoreinfoAddress()
                || zone.size() != header.vmcoreinfoSize())) {
            return "disagrees with the arena header's VMCOREINFO zone (" + Sizes.hex(header.vmcoreinfoAddress()) + ", "
                    + Long.toUnsignedString(header.vmcoreinfoSize()) + " bytes)";
        }
        return null;
    }

    /** Adds a coreimage zone the directory does not list from the arena header alone, when the header's fields are usable. */
    private static void headerZone(Map<Integer, Listed> byId, int id, String name, long address, long size, ArenaFile.Header header) {
        if (!byId.containsKey(id) && address != 0 && size > 0 && size <= Coreimage.MAX_ZONE_SIZE
                && header.holds(address, Elf64.align4(size))) {
            byId.put(id, new Listed(id, name, address, size, true, false));
        }
    }

    private static Coreimage.ProgramHeaders elfHeaders(ArenaFile.Header header, MemorySegment arena, Extents extents, String where) {
        long address = header.elfAddress();
        long size = header.elfSize();
        if (address == 0 || size <= 0 || size > Coreimage.MAX_ZONE_SIZE || !header.holds(address, size)) {
            return new Coreimage.ProgramHeaders(null, 0, 0, where + ": elf_address " + Sizes.hex(address) + " (elf_size "
                    + Long.toUnsignedString(size) + ") is not a zone in the arena");
        }
        try {
            byte[] bytes = extents.copy(arena, header.offsetOf(address), (int) size);
            Coreimage.ProgramHeaders headers = Coreimage.ProgramHeaders.of(MemorySegment.ofArray(bytes));
            return headers.problem() == null ? headers
                    : new Coreimage.ProgramHeaders(null, 0, 0, "the ELF zone is no core header: " + headers.problem());
        } catch (InternalError | IndexOutOfBoundsException e) {
            return new Coreimage.ProgramHeaders(null, 0, 0, where + ": the arena file shrank while the ELF zone was read");
        }
    }
}
