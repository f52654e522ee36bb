package org.kmemdump.collector;

import org.kmemdump.format.MinidumpTable.Region;

/**
 * One row of a report: a region, where its bytes came from ({@code arena}, {@code process},
 * {@code -}; marked {@code (coreimage)} when only the arena's coreimage lists it), and what became of it.
 */
record RegionResult(Region region, String source, boolean fromCoreimage, Outcome outcome) {
    static RegionResult of(PlannedRegion planned, Outcome outcome) {
        return new RegionResult(planned.region(), planned.sourceLabel(), planned.fromCoreimage(), outcome);
    }
}
