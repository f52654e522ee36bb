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
     * How many times, at most, the zones to read may cover the memory they cover together: a zone
     * inside another (a registered slice of an arena zone) is legitimate, so a byte may be copied more
     * than once, but a few times is all a runtime does.
     */
    static final int OVERLAP_LIMIT = 4;

    /**
     * @param includeSensitive whether sensitive zones are read: only when the operator asks
     * @return the regions, in the given order, each with its source or the reason it has none. The
     *         bytes read are bounded by the input: once the zones read would total more than
     *         {@value #OVERLAP_LIMIT} times the memory they cover together, the rest are refused as
     *         overlapping (entries a runtime never writes)
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
        return boundOverlaps(plan);
    }

    private static List<PlannedZone> boundOverlaps(List<PlannedZone> plan) {
        long covered = covered(plan.stream().filter(planned -> planned.source() != null).map(PlannedZone::zone).toList());
        long budget = covered > Long.MAX_VALUE / OVERLAP_LIMIT ? Long.MAX_VALUE : covered * OVERLAP_LIMIT;
        long total = 0;
        List<PlannedZone> bounded = new ArrayList<>(plan.size());
        for (PlannedZone planned : plan) {
            if (planned.source() != null && planned.zone().size() > budget - total) {
                bounded.add(new PlannedZone(planned.zone(), null, Outcome.refused("overlaps other zones: the zones read would total more than "
                        + OVERLAP_LIMIT + " times the " + covered + " bytes they cover")));
            } else {
                if (planned.source() != null) {
                    total += planned.zone().size();
                }
                bounded.add(planned);
            }
        }
        return bounded;
    }

    /** @return the bytes the zones cover together, each counted once */
    private static long covered(List<Zone> zones) {
        List<Zone> sorted = zones.stream().sorted((a, b) -> Long.compareUnsigned(a.address(), b.address())).toList();
        long covered = 0;
        long end = 0; // end of the union so far; descriptorProblem() rules out wrapping ranges
        for (Zone zone : sorted) {
            long zoneEnd = zone.address() + zone.size();
            if (Long.compareUnsigned(zoneEnd, end) > 0) {
                long start = Long.compareUnsigned(zone.address(), end) > 0 ? zone.address() : end;
                covered = Math.min(Long.MAX_VALUE, covered + (zoneEnd - start));
                end = zoneEnd;
            }
        }
        return covered;
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
