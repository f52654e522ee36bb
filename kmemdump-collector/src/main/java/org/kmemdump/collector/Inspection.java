package org.kmemdump.collector;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.SnapshotBuffers;

/**
 * Inspects a kmemdump directory without collecting it: reads a byte or two per zone, never a
 * whole one.
 */
public final class Inspection {
    private Inspection() {
    }

    /** @throws Failure {@link Failure.Kind#INPUT} when the directory or its arena cannot be used at all */
    public static InspectReport inspect(Path directory) throws Failure {
        try (DumpInput input = DumpInput.open(directory)) {
            ArenaFile.Header header = input.header();
            OwnerProcess owner = OwnerProcess.of(header);
            ArenaSource arena = new ArenaSource(input.arenaFile(), null, header, input.extents());
            ZoneSources sources;
            String nothingToCollect = null;
            try {
                sources = ZoneSources.of(input, owner);
            } catch (Failure failure) { // still worth showing what is there
                sources = null;
                nothingToCollect = failure.getMessage();
            }
            List<ZoneResult> results = new ArrayList<>();
            List<String> notes = List.of();
            if (sources != null) {
                try (ProcessMemory process = ProcessMemory.open(owner, input.arenaOwner())) {
                    notes = CoreCollection.notes(sources, process);
                    for (PlannedZone planned : PlannedZone.plan(sources.zones(), arena, process, false)) {
                        Outcome outcome = planned.source() == null ? planned.unavailable() : planned.source().probe(planned.zone());
                        results.add(ZoneResult.of(planned, outcome));
                    }
                }
            }
            Long heartbeatAge = header.heartbeat() > 0 ? System.currentTimeMillis() - header.heartbeat() : null;
            KinfoFile kinfo = KinfoFile.read(input.directory(), owner.memoryReadable());
            SmemTable smem = input.smem();
            InspectReport.Table table = new InspectReport.Table(smem.state().text, smem.dumpable(), smem.problem(),
                    sources == null ? ZoneSources.describeTable(smem, 0) : sources.describeTable(),
                    smem.table() == null ? null : smem.table().describe());
            DirectoryListing listing = input.zoneDirectory();
            InspectReport.Sources used = sources == null
                    ? new InspectReport.Sources("nothing to collect: " + nothingToCollect, 0, false, listing.problem(), 0)
                    : new InspectReport.Sources(sources.describeSources(), sources.tableRegions(), sources.directoryUnused() == null,
                            sources.directoryUnused(),
                            sources.onlyInDirectory());
            return new InspectReport(input.directory(), input.arenaPath(), header, owner, heartbeatAge, kinfo,
                    zoneDirectory(listing, sources), table, used, List.copyOf(results), notes,
                    nothingToCollect, sources == null ? null : sources.warning(),
                    List.of(SnapshotTime.of(input, KnownZones.THREADS, SnapshotBuffers.Content.THREADS, KnownZones.THREADS_NAME),
                            SnapshotTime.of(input, KnownZones.COMPONENTS, SnapshotBuffers.Content.COMPONENTS, KnownZones.COMPONENTS_NAME)),
                    RunEnd.of(header, input.directory()));
        }
    }

    private static InspectReport.ZoneDirectory zoneDirectory(DirectoryListing listing, ZoneSources sources) {
        int ignored = listing.ignored().size();
        String summary = !listing.usable() ? "unusable: " + listing.problem()
                : listing.listed() + " listed in the arena's zone directory"
                        + (ignored == 0 ? "" : ", " + ignored + (ignored == 1 ? " entry" : " entries") + " ignored")
                        + (listing.elf().problem() == null ? "" : "; no PT_LOAD vouches for a zone: " + listing.elf().problem())
                        + (sources != null && sources.directoryUnused() != null ? "; not used: " + sources.directoryUnused() : "");
        return new InspectReport.ZoneDirectory(listing.usable(), listing.problem(), listing.listed(), ignored, summary);
    }
}
