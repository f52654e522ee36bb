package org.kmemdump.collector;

import org.kmemdump.format.MinidumpTable.Region;

/**
 * One row of a report: a region, where its bytes came from ({@code arena}, {@code process},
 * {@code -}; marked {@code (directory)} when only the arena's zone directory lists it), which
 * sources list it, and what became of it.
 */
record RegionResult(Region region, String source, RegionSources.ListedBy listedBy, Outcome outcome) {
    static RegionResult of(PlannedRegion planned, Outcome outcome) {
        return new RegionResult(planned.region(), planned.sourceLabel(), planned.listedBy(), outcome);
    }
}
