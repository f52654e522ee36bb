package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.List;

/**
 * A zone and where its bytes are to be read, decided from its descriptor, the arena header and
 * the owner's state before anything is read.
 *
 * @param source        where to read, or {@code null}
 * @param unavailable   why there is no source: lost or refused; {@code null} with a source
 */
record PlannedZone(Zone zone, Source source, Outcome unavailable) {
    static final String DIRECTORY_MARK = " (directory)";

    /**
     * @param includeSensitive whether sensitive zones are read: only when the operator asks
     * @return the regions, in the given order, each with its source or the reason it has none
     */
    static List<PlannedZone> plan(List<Zone> zones, ArenaSource arena, ProcessMemory process, boolean includeSensitive) {
        List<PlannedZone> plan = new ArrayList<>(zones.size());
        for (Zone zone : zones) {
            String bad = descriptorProblem(zone);
            if (bad != null) {
                plan.add(new PlannedZone(zone, null, Outcome.refused(bad)));
            } else if (zone.sensitive() && !includeSensitive) {
                plan.add(new PlannedZone(zone, null, Outcome.WITHHELD));
            } else if (arena.holds(zone)) {
                plan.add(new PlannedZone(zone, arena, null));
            } else if (process.unavailable() == null) {
                plan.add(new PlannedZone(zone, process, null));
            } else {
                plan.add(new PlannedZone(zone, null, Outcome.lost("not in the arena file, and " + process.unavailable())));
            }
        }
        return plan;
    }

    /** @return why the descriptor cannot name any memory, or {@code null}; the kernel refuses these at registration */
    static String descriptorProblem(Zone zone) {
        if (zone.address() == 0) {
            return "address is 0";
        }
        if (zone.size() == 0) {
            return "size is 0";
        }
        if (zone.size() < 0 || Long.compareUnsigned(zone.address() + zone.size(), zone.address()) < 0) {
            return "address " + Sizes.hex(zone.address()) + " + size " + Long.toUnsignedString(zone.size())
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
        return (source == null ? "-" : source.label()) + (zone.listedBy() == Zone.ListedBy.DIRECTORY ? DIRECTORY_MARK : "");
    }
}
