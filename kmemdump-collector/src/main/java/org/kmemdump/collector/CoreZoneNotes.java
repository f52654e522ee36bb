package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.ZoneNotes;

/** The {@link ZoneNotes} of a collected core: every zone's name and range, and those not read whole with why. */
final class CoreZoneNotes {
    private CoreZoneNotes() {
    }

    /** @return both notes, whole, one after the other */
    static byte[] of(List<ZoneResult> results) {
        List<ZoneNotes.Mapping> mappings = new ArrayList<>();
        List<ZoneNotes.Missing> missing = new ArrayList<>();
        for (ZoneResult result : results) {
            Zone zone = result.zone();
            mappings.add(new ZoneNotes.Mapping(zone.address(), zone.address() + zone.size(), 0,
                    ZoneNotes.mappingName(zone.id(), TerminalText.clean(zone.name()))));
            Outcome outcome = result.outcome();
            if (!outcome.ok()) {
                missing.add(ZoneNotes.Missing.of(zone.id(), outcome.withheld() ? ZoneNotes.Kind.WITHHELD : ZoneNotes.Kind.LOST,
                        outcome.text()));
            }
        }
        return ZoneNotes.notes(mappings, missing);
    }
}
