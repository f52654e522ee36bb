package org.kmemdump.collector;

import java.nio.file.Path;

import org.kmemdump.format.ComponentsText;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.SnapshotBuffers;

/**
 * The components zone of a dead, stopped or live run: Declarative Services' view as of its last
 * snapshot, with when that was.
 *
 * @param components the snapshot's components
 * @param snapshot   the snapshot: its sequence number and time
 * @param owner      the owner process and its state now
 */
public record ComponentsReport(ComponentsText.Components components, SnapshotBuffers.Snapshot snapshot, OwnerProcess owner) {

    /** @throws Failure (exit 3) naming what is missing or corrupt, in one line */
    public static ComponentsReport read(Path directory) throws Failure {
        try (DumpInput input = DumpInput.open(directory)) {
            SnapshotZone zone = SnapshotZone.find(input, KnownZones.COMPONENTS, SnapshotBuffers.Content.COMPONENTS, KnownZones.COMPONENTS_NAME);
            SnapshotBuffers.Snapshot snapshot = zone.newest();
            try {
                return new ComponentsReport(ComponentsText.read(snapshot.text()), snapshot, OwnerProcess.of(input.header()));
            } catch (IllegalArgumentException e) {
                throw Failure.input(zone.where() + ": snapshot " + snapshot.sequence() + ": " + e.getMessage());
            }
        }
    }
}
