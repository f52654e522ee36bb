package org.kmemdump.collector;

import java.nio.file.Path;
import java.util.List;

/**
 * What a collection did, for {@link CollectText} and {@link CollectJson}.
 *
 * @param owner    the arena's owner process as it was found
 * @param sources  where the zones came from, one line
 * @param headers  {@code the runtime's coreimage}, or {@code synthesized (why)}
 * @param zones    every zone, in ascending id order, with where its bytes came from and what became of it
 * @param notes    zone directory entries that were ignored, lost or disagree with the table
 * @param core     the ELF core written
 * @param coreSize its size in bytes
 * @param bins     the directory of the {@code md_*.BIN} files, or {@code null}
 * @param warning  what makes the run incomplete besides its zones (a corrupt table, directory entries not used), or {@code null}
 */
public record CollectReport(OwnerProcess owner, String sources, String headers, List<ZoneResult> zones, List<String> notes, Path core,
        long coreSize, Path bins, String warning) {
    /** @return how many zones are lost or refused (sensitive ones left out are neither) */
    public long incomplete() {
        return zones.stream().filter(zone -> !zone.outcome().ok() && !zone.outcome().withheld()).count();
    }

    /** @return how many sensitive zones were left out */
    public long withheld() {
        return zones.stream().filter(zone -> zone.outcome().withheld()).count();
    }

    /**
     * @return the one line that says why the run is incomplete: a corrupt table that was ignored,
     *         directory entries not used, zones lost or refused; {@code null} when nothing was
     */
    public String problems() {
        long incomplete = incomplete();
        String lost = incomplete == 0 ? null : incomplete + " of " + zones.size() + " regions lost or refused (see the table)";
        if (warning == null) {
            return lost;
        }
        return warning + (lost == null ? "" : "; " + lost);
    }
}
