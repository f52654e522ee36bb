package org.kmemdump.api;

import org.kmemdump.format.KnownZones;

/**
 * Zone ids, laid out as in the kernel's kmemdump (v3): a fixed table of {@value #MAX_ZONES} slots
 * indexed by id. The values are defined once, in {@code org.kmemdump.format.KnownZones}, and inlined
 * here by the compiler, so this package imports nothing at run time.
 *
 * <table>
 * <caption>The id space</caption>
 * <tr><th>id</th><th>name</th><th>holds</th></tr>
 * <tr><td>0</td><td>{@code START}</td><td>never a zone: 0 marks a free slot</td></tr>
 * <tr><td>1</td><td>{@link #ELF}</td><td>ELF64 core header, program headers and notes (coreimage)</td></tr>
 * <tr><td>2</td><td>{@link #VMCOREINFO}</td><td>{@code key=value} text describing the runtime and its zones (coreimage)</td></tr>
 * <tr><td>3</td><td>{@link #CONFIG}</td><td>the runtime's configuration: JVM, OS, framework and kmemdump settings</td></tr>
 * <tr><td>4</td><td>{@link #RELEASE}</td><td>the runtime release string, like the kernel's {@code uts release}</td></tr>
 * <tr><td>5</td><td>{@link #BANNER}</td><td>one human-readable line naming runtime, JVM and OS, like {@code linux_banner}</td></tr>
 * <tr><td>6</td><td>{@link #BUNDLES}</td><td>the bundle table: id, state, symbolic name, version of every bundle</td></tr>
 * <tr><td>7</td><td>{@link #LOG}</td><td>the log ring: every OSGi Log Service entry, readable after the JVM died (like the kernel's {@code prb})</td></tr>
 * <tr><td>8</td><td>{@link #THREADS}</td><td>the threads snapshot: every live thread, its state, locks and stack, as of a stated time</td></tr>
 * <tr><td>9</td><td>{@link #COMPONENTS}</td><td>the Declarative Services components: state, failure, unsatisfied references</td></tr>
 * <tr><td>10&ndash;46</td><td></td><td>reserved for further well-known runtime zones</td></tr>
 * <tr><td>47, 48</td><td>{@link #USER_START}, {@link #USER_END}</td><td>two fixed ids applications may agree on</td></tr>
 * <tr><td>49&ndash;200</td><td>{@link #NO_ID} and up</td><td>handed out by "any free id" registration</td></tr>
 * </table>
 *
 * <p>Ids 1 to 8 are registered by the runtime itself (7 unless its log ring is off, 8 unless its
 * threads zone is); a bundle that asks for one of them gets {@link ZoneIdInUseException} while the
 * runtime holds it.
 */
public final class ZoneIds {
    /** Never a zone. */
    public static final int START = KnownZones.START;
    /** The coreimage ELF header zone. */
    public static final int ELF = KnownZones.ELF;
    /** The coreimage {@code VMCOREINFO} note payload. */
    public static final int VMCOREINFO = KnownZones.VMCOREINFO;
    /** The runtime's configuration text. */
    public static final int CONFIG = KnownZones.CONFIG;
    /** The runtime release string. */
    public static final int RELEASE = KnownZones.RELEASE;
    /** The one-line banner. */
    public static final int BANNER = KnownZones.BANNER;
    /** The bundle table. */
    public static final int BUNDLES = KnownZones.BUNDLES;
    /**
     * The log ring.
     *
     * @since 1.2
     */
    public static final int LOG = KnownZones.LOG;
    /**
     * The threads snapshot.
     *
     * @since 1.3
     */
    public static final int THREADS = KnownZones.THREADS;
    /**
     * The Declarative Services components snapshot.
     *
     * @since 1.3
     */
    public static final int COMPONENTS = KnownZones.COMPONENTS;
    /** First id applications may use by agreement. */
    public static final int USER_START = KnownZones.USER_START;
    /** Second id applications may use by agreement. */
    public static final int USER_END = KnownZones.USER_END;
    /**
     * Pass this to {@link ZoneRegistry#register(int, String, java.lang.foreign.MemorySegment)} for
     * "any free id": the registry takes the lowest free slot from this id upward.
     */
    public static final int NO_ID = KnownZones.NO_ID;
    /**
     * Number of slots, slot 0 included, so ids run from 1 to 200. The kernel chose a fixed array
     * of 201 so that registration never allocates; the Qualcomm minidump table has room for 201
     * regions, and this limit keeps every zone representable there.
     */
    public static final int MAX_ZONES = KnownZones.MAX_ZONES;

    private ZoneIds() {
    }
}
