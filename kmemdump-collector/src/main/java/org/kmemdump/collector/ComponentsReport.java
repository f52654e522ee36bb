package org.kmemdump.collector;

import java.nio.file.Path;
import java.util.Optional;

import org.kmemdump.format.ComponentsText;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.SnapshotBuffers;

/**
 * The components zone of a dead, stopped or live run, or of a collected core: Declarative Services' view as of its last
 * snapshot, with when that was.
 *
 * @param components the snapshot's components
 * @param snapshot   the snapshot: its sequence number and time
 * @param owner      the owner process and its state now
 */
public record ComponentsReport(ComponentsText.Components components, SnapshotBuffers.Snapshot snapshot, OwnerProcess owner) {

    /** @throws Failure (exit 3) naming what is missing or corrupt, in one line */
    public static ComponentsReport read(Path directory) throws Failure {
        Optional<Path> core = CoreFile.of(directory);
        if (core.isPresent()) {
            try (CoreFile file = CoreFile.open(core.get())) {
                return read(SnapshotZone.find(file, KnownZones.COMPONENTS, SnapshotBuffers.Content.COMPONENTS, KnownZones.COMPONENTS_NAME), file.owner());
            }
        }
        try (DumpInput input = DumpInput.open(directory)) {
            return read(SnapshotZone.find(input, KnownZones.COMPONENTS, SnapshotBuffers.Content.COMPONENTS, KnownZones.COMPONENTS_NAME), OwnerProcess.of(input.header()));
        }
    }

    private static ComponentsReport read(SnapshotZone zone, OwnerProcess owner) throws Failure {
        SnapshotBuffers.Snapshot snapshot = zone.newest();
        try {
            return new ComponentsReport(ComponentsText.read(snapshot.text()), snapshot, owner);
        } catch (IllegalArgumentException e) {
            throw Failure.input(zone.where() + ": snapshot " + snapshot.sequence() + ": " + e.getMessage());
        }
    }
}
