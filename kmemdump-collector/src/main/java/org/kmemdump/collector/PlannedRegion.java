package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.MinidumpTable.Region;

/**
 * A region and where its bytes are to be read, decided from its descriptor, the arena header and
 * the owner's state before anything is read.
 *
 * @param source        where to read, or {@code null}
 * @param unavailable   why there is no source: lost or refused; {@code null} with a source
 * @param listedBy    which sources list it: the minidump table, the arena's zone directory or both
 */
record PlannedRegion(Region region, Source source, Outcome unavailable, RegionSources.ListedBy listedBy) {
    static final String DIRECTORY_MARK = " (directory)";

    /** @return the regions, in the given order, each with its source or the reason it has none */
    static List<PlannedRegion> plan(List<RegionSources.Listed> regions, ArenaSource arena, ProcessMemory process) {
        List<PlannedRegion> plan = new ArrayList<>(regions.size());
        for (RegionSources.Listed listed : regions) {
            Region region = listed.region();
            RegionSources.ListedBy listedBy = listed.listedBy();
            String bad = descriptorProblem(region);
            if (bad != null) {
                plan.add(new PlannedRegion(region, null, Outcome.refused(bad), listedBy));
            } else if (arena.holds(region)) {
                plan.add(new PlannedRegion(region, arena, null, listedBy));
            } else if (process.unavailable() == null) {
                plan.add(new PlannedRegion(region, process, null, listedBy));
            } else {
                plan.add(new PlannedRegion(region, null, Outcome.lost("not in the arena file, and " + process.unavailable()),
                        listedBy));
            }
        }
        return plan;
    }

    /** @return why the descriptor cannot name any memory, or {@code null}; the kernel refuses these at registration */
    static String descriptorProblem(Region region) {
        if (region.address() == 0) {
            return "address is 0";
        }
        if (region.size() == 0) {
            return "size is 0";
        }
        if (region.size() < 0 || Long.compareUnsigned(region.address() + region.size(), region.address()) < 0) {
            return "address " + Sizes.hex(region.address()) + " + size " + Long.toUnsignedString(region.size())
                    + " runs past the end of the address space";
        }
        return null;
    }

    /** @return whether the descriptor names memory at all (lost regions still do) */
    boolean describesMemory() {
        return source != null || unavailable.status() != Outcome.Status.REFUSED;
    }

    /** @return {@code arena}, {@code process} or {@code -}, marked {@code (directory)} when only the zone directory lists the region */
    String sourceLabel() {
        return (source == null ? "-" : source.label()) + (listedBy == RegionSources.ListedBy.DIRECTORY ? DIRECTORY_MARK : "");
    }
}
