package org.kmemdump.collector;

import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.Elf64;

/**
 * Writes the core as the firmware plus a host tool would: the coreimage zones, then every other
 * region, in ascending id order, each padded to 4, at exactly the offsets the ELF zone's program
 * headers give. A region that cannot be read, wholly or in part, stays zeros there.
 */
final class CoreimageWriter {
    private CoreimageWriter() {
    }

    static List<ZoneResult> write(OutputFile core, Coreimage image, List<PlannedZone> plan, ZoneCopier copier) throws Failure {
        List<ZoneResult> results = new ArrayList<>(plan.size());
        long offset = 0;
        for (PlannedZone planned : plan) {
            Source source;
            if (planned == image.elfZone()) {
                source = new SnapshotSource(image.elf());
            } else if (planned == image.vmcoreinfoZone()) {
                source = new SnapshotSource(image.vmcoreinfo());
            } else if (planned.describesMemory()) {
                source = planned.source();
            } else {
                results.add(ZoneResult.of(planned, planned.unavailable())); // no PT_LOAD names it: not in the file
                continue;
            }
            core.position(offset);
            Outcome outcome = source == null ? planned.unavailable() : copier.copy(planned.zone(), source).outcome();
            results.add(ZoneResult.of(planned, outcome));
            offset += Elf64.align4(planned.zone().size());
        }
        core.extendTo(offset);
        return results;
    }
}
