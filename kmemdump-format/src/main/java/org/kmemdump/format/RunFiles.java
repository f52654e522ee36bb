package org.kmemdump.format;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The files a run of the runtime creates in its kmemdump directory, and the only ones the crash
 * store ever moves or deletes: anything else a user leaves there (notes, a collected core, links,
 * directories) is not the runtime's and stays where it is.
 */
public final class RunFiles {
    /** The fatal-error record the collector writes when HotSpot runs {@code -XX:OnError}. */
    public static final String FATAL_TEXT = FatalRecord.FILE_NAME;
    /** The core collected from the still-frozen process on a fatal error. */
    public static final String FATAL_CORE = FatalRecord.CORE_FILE_NAME;
    /** The names of fixed run files, the arena first. */
    public static final List<String> FIXED = List.of(ArenaFile.FILE_NAME, SmemFile.FILE_NAME, KinfoRecord.FILE_NAME, FATAL_TEXT, FATAL_CORE);
    /** The files a core is collected from: dropped after a successful collection unless an operator keeps them. */
    public static final List<String> RAW = List.of(ArenaFile.FILE_NAME, SmemFile.FILE_NAME, KinfoRecord.FILE_NAME);
    /** HotSpot's fatal-error log, {@code -XX:ErrorFile} pointed into the directory: {@code hs_err_pid<N>.log}. */
    private static final Pattern HS_ERR = Pattern.compile("hs_err_pid[0-9]{1,10}\\.log");

    private RunFiles() {
    }

    /** @return whether {@code name} is the name of a file a run creates */
    public static boolean isRunFile(String name) {
        return FIXED.contains(name) || HS_ERR.matcher(name).matches();
    }
}
