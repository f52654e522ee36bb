package org.kmemdump.webconsole.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

import org.kmemdump.api.Zone;
import org.kmemdump.collector.CrashListing;
import org.kmemdump.collector.Failure;
import org.kmemdump.format.ArenaFile;

/**
 * What the inventory shows, read once so that the text and the JSON say the same: the zones, the
 * backends, the live arena's header and the crash store. Each part that cannot be read says why
 * instead, so one unreadable file never hides the rest.
 *
 * @param backends names of the registered backend services, highest ranking first
 * @param active   the backend the live arena's header names (the core writes it on every swap), or empty
 * @param arena    the live arena's header, or empty with {@code arenaProblem} saying why
 * @param crashes  the crash store's entries, oldest first, or empty with {@code crashProblem} saying why
 */
record Status(List<Zone> zones, List<String> backends, Optional<String> active, Path arenaPath, Optional<ArenaFile.Header> arena,
        String arenaProblem, List<CrashListing.Row> crashes, String crashProblem) {

    static Status read(List<Zone> zones, List<String> backends, Path directory) {
        Path arenaPath = directory.resolve(ArenaFile.FILE_NAME);
        Optional<ArenaFile.Header> arena = Optional.empty();
        String arenaProblem = "";
        try {
            arena = Optional.of(header(arenaPath));
        } catch (IOException | IllegalArgumentException e) {
            arenaProblem = arenaPath + ": " + e.getMessage();
        }
        List<CrashListing.Row> crashes = List.of();
        String crashProblem = "";
        try {
            crashes = CrashListing.list(directory);
        } catch (Failure e) {
            crashProblem = e.getMessage();
        }
        return new Status(zones, backends, arena.map(ArenaFile.Header::backend).filter(name -> !name.isEmpty()), arenaPath, arena,
                arenaProblem, crashes, crashProblem);
    }

    /** @return the newest crash entry, if the store has one */
    Optional<CrashListing.Row> newestCrash() {
        return crashes.isEmpty() ? Optional.empty() : Optional.of(crashes.getLast());
    }

    /** A registered zone is dumped; a sensitive one only through the arena's zone directory, never by a backend. */
    static String state(Zone zone) {
        return zone.sensitive() ? "registered, sensitive (kept from backends)" : "registered";
    }

    /** @return the backend that holds the zone: the active one, never for a sensitive zone */
    String holder(Zone zone) {
        return zone.sensitive() ? "none (sensitive)" : active.orElse("none");
    }

    private static ArenaFile.Header header(Path path) throws IOException {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("no arena file (the core is not running, or its directory is unusable)");
        }
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = channel.size();
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(length, ArenaFile.HEADER_LENGTH), arena);
            return ArenaFile.read(file, length, path.toString());
        }
    }
}
