package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.MinidumpTable.Region;

/**
 * The regions to collect and where they are listed: the minidump table in smem (what the backend
 * held) and the arena's coreimage (what the runtime registered, whatever backend was active),
 * merged by id.
 *
 * <ul>
 * <li>A region in the table wins: it is what the firmware would collect. A coreimage line for the
 * same id is not used, and one that names another zone is reported.
 * <li>A zone only in the coreimage is collected too: from the arena when its bytes lie there, from
 * the owner's memory while it lives, else reported lost. A line outside the arena whose owner is
 * gone counts only if the ELF zone has a {@code PT_LOAD} for it: otherwise nothing tells it from a
 * line torn by a kill in the middle of a rewrite, and it is ignored.
 * <li>Without a dumpable table (none, disabled, or corrupt) the coreimage alone is used. With
 * neither, there is nothing to collect.
 * <li>A corrupt table and coreimage lines that are not used (malformed, torn, naming another zone
 * than the table) make the run incomplete: see {@link #warning()}.
 * <li>The coreimage of an owner that shut down cleanly is not used: the runtime let go of its
 * zones, so there is no crash to collect.
 * </ul>
 */
final class RegionSources {
    /** A region to collect and whether only the coreimage lists it. */
    record Listed(Region region, boolean fromCoreimage) {
    }

    private final SmemTable table;
    private final CoreimageListing coreimage;
    private final String coreimageUnused;
    private final List<Listed> regions;
    private final int tableRegions;
    private final int fromCoreimage;
    private final int linesNotUsed;
    private final List<String> notes;

    private RegionSources(SmemTable table, CoreimageListing coreimage, String coreimageUnused, List<Listed> regions,
            int tableRegions, int fromCoreimage, int linesNotUsed, List<String> notes) {
        this.table = table;
        this.coreimage = coreimage;
        this.coreimageUnused = coreimageUnused;
        this.regions = regions;
        this.tableRegions = tableRegions;
        this.fromCoreimage = fromCoreimage;
        this.linesNotUsed = linesNotUsed;
        this.notes = notes;
    }

    /** @throws Failure (exit 3) when neither the table nor the coreimage lists anything to collect */
    static RegionSources of(DumpInput input, OwnerProcess owner) throws Failure {
        SmemTable table = input.smem();
        CoreimageListing coreimage = input.coreimage();
        String unused = coreimage.problem() != null ? coreimage.problem()
                : owner.state() == OwnerProcess.State.CLEAN ? "its owner shut down cleanly: the zones it lists were let go" : null;
        if (!table.dumpable() && unused != null) {
            throw Failure.input(nothingToCollect(table, unused, owner));
        }
        List<Listed> regions = new ArrayList<>();
        Map<Integer, Region> tableById = new HashMap<>();
        for (Region region : input.tableRegions()) {
            regions.add(new Listed(region, false));
            tableById.put(region.seqNum(), region);
        }
        List<String> notes = new ArrayList<>();
        int fromCoreimage = 0;
        int linesNotUsed = 0;
        if (unused == null) {
            ArenaFile.Header header = input.header();
            for (CoreimageListing.Zone zone : coreimage.zones()) {
                Region inTable = tableById.get(zone.id());
                if (inTable != null) {
                    if (!inTable.name().equals(zone.name())) {
                        linesNotUsed++;
                        notes.add("the VMCOREINFO zone lists " + zone.describe() + ", the table names zone " + zone.id() + " '"
                                + RegionTable.printable(inTable.name()) + "': the table's region is collected");
                    }
                } else if (header.holds(zone.address(), Elf64.align4(zone.size())) || owner.memoryReadable() || zone.inElf()) {
                    regions.add(new Listed(zone.region(), true));
                    fromCoreimage++;
                } else {
                    linesNotUsed++;
                    notes.add("the VMCOREINFO zone lists " + zone.describe() + " outside the arena, its owner is gone and the ELF"
                            + " zone has no PT_LOAD for it: ignored as a line torn by a kill");
                }
            }
            linesNotUsed += coreimage.ignoredLines();
            notes.addAll(coreimage.ignored());
            if (coreimage.ignoredLines() > coreimage.ignored().size()) {
                notes.add((coreimage.ignoredLines() - coreimage.ignored().size()) + " more VMCOREINFO lines ignored");
            }
            if (coreimage.countNote() != null) {
                notes.add(coreimage.countNote());
            }
        }
        regions.sort(Comparator.comparing((Listed listed) -> listed.region().seqNum(), Integer::compareUnsigned));
        return new RegionSources(table, coreimage, unused, List.copyOf(regions), tableById.size(), fromCoreimage, linesNotUsed,
                List.copyOf(notes));
    }

    private static String nothingToCollect(SmemTable table, String coreimageUnused, OwnerProcess owner) {
        String why = switch (table.state()) {
            case MISSING -> table.problem() + ": no minidump table";
            case DISABLED -> table.problem() + ": the table is not dumpable";
            default -> table.problem();
        };
        if (owner.state() == OwnerProcess.State.CLEAN) {
            return why + " (its owner shut down cleanly: there is no crash to collect)";
        }
        return why + ", and the arena's coreimage cannot stand in: " + coreimageUnused;
    }

    /** @return every region, in ascending id order */
    List<Listed> regions() {
        return regions;
    }

    SmemTable table() {
        return table;
    }

    CoreimageListing coreimage() {
        return coreimage;
    }

    /** @return why the coreimage's listing added nothing, or {@code null} when it was used */
    String coreimageUnused() {
        return coreimageUnused;
    }

    int fromCoreimage() {
        return fromCoreimage;
    }

    int tableRegions() {
        return tableRegions;
    }

    /** @return lines of the coreimage that were ignored or disagree with the table, for the report */
    List<String> notes() {
        return notes;
    }

    /**
     * @return what makes a run incomplete besides its regions, or {@code null}: a corrupt table
     *         (ignored), coreimage lines not used (what they listed may be lost)
     */
    String warning() {
        List<String> warnings = new ArrayList<>();
        if (table.state() == SmemTable.State.CORRUPT) {
            warnings.add(table.problem() + ": the minidump table was ignored, the arena's coreimage used instead");
        }
        if (linesNotUsed > 0) {
            warnings.add(linesNotUsed + (linesNotUsed == 1 ? " VMCOREINFO line" : " VMCOREINFO lines") + " not used (see the notes)");
        } else if (coreimageUnused == null && coreimage.countNote() != null) {
            warnings.add("the VMCOREINFO zone's KMEMDUMP_ZONES disagrees with its ZONE lines (see the notes)");
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
        String fromTheCoreimage = "the arena's coreimage was used (" + fromCoreimage + " zones)";
        return switch (table.state()) {
            case DUMPABLE -> coreimageUnused != null
                    ? "the minidump table (" + tableRegions + " regions); the arena's coreimage is not used: " + coreimageUnused
                    : "the minidump table (" + tableRegions + " regions) and the arena's coreimage (" + fromCoreimage
                            + " zones only it lists)";
            case MISSING -> "no minidump table found (" + table.problem() + "): " + fromTheCoreimage;
            case DISABLED -> "the minidump table is not dumpable: " + fromTheCoreimage;
            case CORRUPT -> "the minidump table is corrupt and was ignored: " + fromTheCoreimage;
        };
    }

    /**
     * The coreimage zones are the core's headers only if the VMCOREINFO text, which goes into the
     * core as it is, lists exactly the regions collected; {@link Coreimage#check} checks the ELF zone.
     *
     * @param plan the regions as planned, in ascending id order
     * @return why the text does not list them, or {@code null}
     */
    String listingMismatch(List<PlannedRegion> plan) {
        if (!coreimage.usable()) {
            return coreimage.problem();
        }
        if (coreimage.ignoredLines() > 0) {
            return coreimage.ignoredLines() + " of its lines are ignored";
        }
        if (!coreimage.coreimageZonesListed()) {
            return "it does not list the coreimage zones themselves";
        }
        if (coreimage.countNote() != null) {
            return coreimage.countNote();
        }
        Map<Integer, CoreimageListing.Zone> listed = new HashMap<>();
        coreimage.zones().forEach(zone -> listed.put(zone.id(), zone));
        for (PlannedRegion planned : plan) {
            Region region = planned.region();
            if (!planned.describesMemory()) {
                continue;
            }
            CoreimageListing.Zone zone = listed.remove(region.seqNum());
            if (zone == null) {
                return "it does not list region " + Integer.toUnsignedString(region.seqNum());
            }
            if (!zone.name().equals(region.name()) || zone.address() != region.address() || Elf64.align4(zone.size()) != region.size()) {
                return "it lists " + zone.describe() + ", region " + zone.id() + " is '" + RegionTable.printable(region.name()) + "' at "
                        + Sizes.hex(region.address()) + " (" + Long.toUnsignedString(region.size()) + " bytes)";
            }
        }
        return listed.isEmpty() ? null : "it lists " + listed.values().iterator().next().describe() + ", which is not collected";
    }
}
