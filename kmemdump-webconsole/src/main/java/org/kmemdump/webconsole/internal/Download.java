package org.kmemdump.webconsole.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.kmemdump.collector.CrashListing;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.RunFiles;

/**
 * A download the page offers, named by the request's path below the page: {@code /crash/<id>/<file>}
 * (a crash entry's core, fatal core or summary) or {@code /live/core.elf} (a core of the running
 * process, sensitive zones as zeros). Anything else is refused: the id must be one
 * {@link CrashEntry#isId} accepts and an entry the store lists, the file one of {@link #CRASH_FILES},
 * so no path from the request ever reaches the file system.
 *
 * @param crashFile the crash entry's file, or {@code null} for the live core
 * @param fileName  the name the browser saves it under
 */
record Download(Path crashFile, String fileName) {
    /** What a crash entry offers; its raw run files (the arena may hold sensitive zones) are never offered. */
    static final List<String> CRASH_FILES = List.of(CrashEntry.CORE, RunFiles.FATAL_CORE, CrashEntry.SUMMARY_TEXT, CrashEntry.SUMMARY_JSON);
    static final String LIVE = "live";
    static final String CRASH = "crash";

    /** A request the page refuses, with the HTTP status and one line saying why. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    boolean live() {
        return crashFile == null;
    }

    /**
     * @param path      the request's path below the page, starting with {@code /}
     * @param directory the kmemdump directory
     */
    static Download of(String path, Path directory) throws Refused {
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length == 2 && parts[0].equals(LIVE) && parts[1].equals(CrashEntry.CORE)) {
            return new Download(null, "kmemdump-live-core.elf");
        }
        if (parts.length != 3 || !parts[0].equals(CRASH)) {
            throw new Refused(404, "no such download: the page offers " + CRASH + "/<id>/<file> and " + LIVE + "/" + CrashEntry.CORE);
        }
        String id = parts[1];
        String name = parts[2];
        if (!CrashEntry.isId(id)) {
            throw new Refused(400, "not a crash id: '" + id + "'");
        }
        if (!CRASH_FILES.contains(name)) {
            throw new Refused(404, "a crash entry offers only " + String.join(", ", CRASH_FILES) + ", not '" + name + "'");
        }
        Path entry = entry(directory, id);
        Path file = entry.resolve(name);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(404, "crash " + id + " has no " + name);
        }
        return new Download(file, id + "-" + name);
    }

    private static Path entry(Path directory, String id) throws Refused {
        try {
            for (Path entry : CrashListing.entries(directory.resolve(CrashEntry.CRASHES))) {
                if (entry.getFileName().toString().equals(id)) {
                    return entry;
                }
            }
        } catch (IOException e) {
            throw new Refused(500, "the crash store cannot be listed: " + e.getMessage());
        }
        throw new Refused(404, "no crash " + id + " in the crash store");
    }
}
