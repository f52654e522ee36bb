package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;

/**
 * The regions to collect and where they are listed: the minidump table in smem (what the backend
 * held) and the arena's zone directory (what the runtime registered, whatever backend was active),
 * merged by id.
 *
 * <ul>
 * <li>A region in the table wins: it is what the firmware would collect. A directory entry for the
 * same id is not used, and one that disagrees with it (name, address or size) is reported.
 * <li>A zone only in the directory is collected too: from the arena when its bytes lie there, from
 * the owner's memory while it lives. One outside the arena whose owner is gone is a region (lost)
 * only if the ELF zone has a {@code PT_LOAD} for exactly its address and size; otherwise nothing
 * vouches for them, and it is reported lost in a note.
 * <li>Without a dumpable table (none, disabled, or corrupt) the directory alone is used. With
 * neither, there is nothing to collect.
 * <li>A corrupt table and directory entries that are not used (ignored, lost without a region,
 * disagreeing with the table) make the run incomplete: see {@link #warning()}.
 * <li>The directory of an owner that shut down cleanly is not used: the runtime let go of its
 * zones, so there is no crash to collect.
 * <li>A zone the directory flags sensitive is sensitive, whichever source lists it.
 * </ul>
 *
 * @param directoryUnused why the zone directory's listing added nothing, or {@code null} when it was used
 * @param zones           every zone, in ascending id order
 * @param entriesNotUsed  directory entries that were ignored, lost or disagree with the table
 * @param notes           one for each of those, for the report
 */
record ZoneSources(SmemTable table, String directoryUnused, List<Zone> zones, int tableRegions, int onlyInDirectory,
        int entriesNotUsed, List<String> notes) {
    /** @throws Failure (exit 3) when neither the table nor the zone directory lists anything to collect */
    static ZoneSources of(DumpInput input, OwnerProcess owner) throws Failure {
        SmemTable table = input.smem();
        DirectoryListing directory = input.zoneDirectory();
        String unused = directory.problem() != null ? directory.problem()
                : owner.state() == OwnerProcess.State.CLEAN ? "its owner shut down cleanly: the zones it lists were let go" : null;
        if (!table.dumpable() && unused != null) {
            throw Failure.input(nothingToCollect(table, unused, owner));
        }
        Map<Integer, DirectoryListing.Listed> listed = new HashMap<>();
        if (unused == null) {
            directory.zones().forEach(zone -> listed.put(zone.id(), zone));
        }
        List<Zone> zones = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int entriesNotUsed = 0;
        for (Zone region : table.zones()) {
            DirectoryListing.Listed zone = listed.remove(region.id());
            boolean agrees = zone != null && zone.name().equals(region.name()) && zone.address() == region.address()
                    && Elf64.align4(zone.size()) == region.size();
            if (zone != null && !agrees) {
                entriesNotUsed++;
                notes.add("the zone directory lists " + zone.describe() + ", the table has '" + TerminalText.clean(region.name())
                        + "' at " + Sizes.hex(region.address()) + " (" + Long.toUnsignedString(region.size())
                        + " bytes): the table's region is collected");
            }
            // a flag in the directory holds whatever the table says: the table has no such flag
            zones.add((agrees ? region.listedBy(Zone.ListedBy.BOTH) : region).sensitiveIf(zone != null && zone.sensitive()));
        }
        int tableRegions = zones.size();
        int onlyInDirectory = 0;
        if (unused == null) {
            ArenaFile.Header header = input.header();
            for (DirectoryListing.Listed zone : directory.zones()) {
                if (!listed.containsKey(zone.id())) {
                    continue; // the table lists it
                }
                if (header.holds(zone.address(), Elf64.align4(zone.size())) || owner.memoryReadable() || zone.inElf()) {
                    zones.add(zone.zone());
                    onlyInDirectory++;
                } else {
                    entriesNotUsed++;
                    notes.add("the zone directory lists " + zone.describe() + " outside the arena, its owner is gone and the ELF"
                            + " zone has no PT_LOAD for it: lost");
                }
            }
            entriesNotUsed += directory.ignored().size();
            notes.addAll(directory.ignored());
        }
        zones.sort(Comparator.comparing(Zone::id, Integer::compareUnsigned));
        return new ZoneSources(table, unused, List.copyOf(zones), tableRegions, onlyInDirectory, entriesNotUsed, List.copyOf(notes));
    }

    private static String nothingToCollect(SmemTable table, String directoryUnused, OwnerProcess owner) {
        String why = switch (table.state()) {
            case MISSING -> table.problem() + ": no minidump table";
            case DISABLED -> table.problem() + ": the table is not dumpable";
            default -> table.problem();
        };
        if (owner.state() == OwnerProcess.State.CLEAN) {
            return why + " (its owner shut down cleanly: there is no crash to collect)";
        }
        return why + ", and the arena's zone directory cannot stand in: " + directoryUnused;
    }

    /**
     * @return what makes a run incomplete besides its regions, or {@code null}: a corrupt table
     *         (ignored), directory entries not used (what they listed may be lost)
     */
    String warning() {
        List<String> warnings = new ArrayList<>();
        if (table.state() == SmemTable.State.CORRUPT) {
            warnings.add(table.problem() + ": the minidump table was ignored, the arena's zone directory used instead");
        }
        if (entriesNotUsed > 0) {
            warnings.add(entriesNotUsed + (entriesNotUsed == 1 ? " zone directory entry" : " zone directory entries")
                    + " not used (see the notes)");
        }
        return warnings.isEmpty() ? null : String.join("; ", warnings);
    }

    /** @return the table's state, for the report's {@code table:} line */
    String describeTable() {
        return describeTable(table, tableRegions);
    }

    /** @param regions how many valid regions a dumpable table has */
    static String describeTable(SmemTable table, int regions) {
        return switch (table.state()) {
            case DUMPABLE -> "dumpable, " + regions + " valid regions";
            case MISSING -> "not found (" + table.problem() + ")";
            case DISABLED -> "not dumpable: " + table.problem();
            case CORRUPT -> "corrupt, ignored: " + table.problem();
        };
    }

    /** @return where the regions came from, one line */
    String describeSources() {
        String fromTheDirectory = "the arena's zone directory was used (" + onlyInDirectory + " zones)";
        return switch (table.state()) {
            case DUMPABLE -> directoryUnused != null
                    ? "the minidump table (" + tableRegions + " regions); the arena's zone directory is not used: " + directoryUnused
                    : "the minidump table (" + tableRegions + " regions) and the arena's zone directory (" + onlyInDirectory
                            + " zones only it lists)";
            case MISSING -> "no minidump table found (" + table.problem() + "): " + fromTheDirectory;
            case DISABLED -> "the minidump table is not dumpable: " + fromTheDirectory;
            case CORRUPT -> "the minidump table is corrupt and was ignored: " + fromTheDirectory;
        };
    }
}
