package org.kmemdump.format;

/**
 * The zone table every format shares (kernel kmemdump v3): {@value #MAX_ZONES} slots indexed by
 * zone id, slot {@value #START} never a zone, and the well-known ids with the names the runtime
 * registers them under. Compile-time constants, so a user such as {@code ZoneIds} inlines them.
 */
public final class KnownZones {
    /**
     * Number of slots, slot 0 included, so ids run from 1 to 200. The kernel chose a fixed array of
     * 201 so that registration never allocates; the Qualcomm minidump table has room for as many
     * regions, so every zone is representable there.
     */
    public static final int MAX_ZONES = 201;
    /** Never a zone: 0 marks a free slot. */
    public static final int START = 0;

    public static final int ELF = 1;
    public static final String ELF_NAME = "ELF";
    public static final int VMCOREINFO = 2;
    /** Named after the note whose text it holds. */
    public static final String VMCOREINFO_NAME = Vmcoreinfo.NOTE_NAME;
    public static final int CONFIG = 3;
    public static final String CONFIG_NAME = "config";
    public static final int RELEASE = 4;
    public static final String RELEASE_NAME = "release";
    public static final int BANNER = 5;
    public static final String BANNER_NAME = "banner";
    public static final int BUNDLES = 6;
    public static final String BUNDLES_NAME = "bundles";
    public static final int LOG = 7;
    public static final String LOG_NAME = "log";
    public static final int THREADS = 8;
    public static final String THREADS_NAME = "threads";
    public static final int COMPONENTS = 9;
    public static final String COMPONENTS_NAME = "components";

    /** First id applications may use by agreement. */
    public static final int USER_START = 47;
    /** Second id applications may use by agreement. */
    public static final int USER_END = 48;
    /** "Any free id": the lowest free slot from here upward. */
    public static final int NO_ID = 49;

    private KnownZones() {
    }
}
