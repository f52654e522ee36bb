package org.kmemdump.format;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The crash store's names, shared by the runtime that fills it and the readers. A run that did not
 * end cleanly becomes the directory {@code <kmemdump dir>/crashes/<id>/}, holding its
 * {@link RunFiles run files} under their usual names and, once collected, {@link #CORE},
 * {@link #SUMMARY_TEXT} and {@link #SUMMARY_JSON}. The last cleanly stopped run is kept at
 * {@code <kmemdump dir>/stopped/}.
 *
 * <p>An id is the run's start time in UTC and its pid, {@code yyyyMMdd-HHmmss-SSS-<pid>}, so ids
 * sort by age; a run whose arena could not be read is named from its arena file's modification
 * time and {@value #UNREADABLE} in place of the pid. A second entry of the same name gets
 * {@code -2}, {@code -3}, ... appended.
 */
public final class CrashEntry {
    /** The directory of the entries, in the kmemdump directory. */
    public static final String CRASHES = "crashes";
    /** The files of the last cleanly stopped run, in the kmemdump directory. */
    public static final String STOPPED = "stopped";
    /** The ELF core collected from the entry's run files. */
    public static final String CORE = "core.elf";
    public static final String SUMMARY_TEXT = "summary.txt";
    public static final String SUMMARY_JSON = "summary.json";
    /** An entry being filled: the next start finishes the move and renames it. */
    public static final String PARTIAL = ".partial";
    /** An entry being deleted: the next start finishes the deletion. */
    public static final String PRUNING = ".pruning";
    /** Stands for the pid of a run whose arena could not be read. */
    public static final String UNREADABLE = "unreadable";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final Pattern ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9]{3}-([0-9]{1,10}|" + UNREADABLE + ")(-[0-9]{1,4})?");

    private CrashEntry() {
    }

    /** @return the id of the run of {@code pid} started at {@code startMillis} (ms since the epoch, UTC) */
    public static String id(long startMillis, long pid) {
        return TIME.format(Instant.ofEpochMilli(startMillis)) + "-" + pid;
    }

    /** @return the id of a run whose arena could not be read, its files last written at {@code modifiedMillis} */
    public static String unreadableId(long modifiedMillis) {
        return TIME.format(Instant.ofEpochMilli(modifiedMillis)) + "-" + UNREADABLE;
    }

    /** @return whether {@code name} is a finished entry's id (not a partial or pruning one, nothing foreign) */
    public static boolean isId(String name) {
        return ID.matcher(name).matches();
    }
}
