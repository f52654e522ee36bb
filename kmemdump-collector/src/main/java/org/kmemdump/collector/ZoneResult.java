package org.kmemdump.collector;

/**
 * One row of a report: a zone, where its bytes came from ({@code arena}, {@code process},
 * {@code -}; marked {@code (directory)} when only the arena's zone directory lists it), and what
 * became of it.
 */
public record ZoneResult(Zone zone, String source, Outcome outcome) {
    static ZoneResult of(PlannedZone planned, Outcome outcome) {
        return new ZoneResult(planned.zone(), planned.sourceLabel(), outcome);
    }
}
