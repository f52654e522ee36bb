package org.kmemdump.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of the {@code VMCOREINFO} note (zone {@link KnownZones#VMCOREINFO}, NUL-padded): one
 * {@code KEY=value} line per fact, as the kernel's vmcoreinfo, each ended by a newline.
 *
 * <pre>
 * OSRELEASE=kmemdump-0.1.0 java-25     the release string
 * PAGESIZE=4096
 * PID=1234
 * ZONE(1)=ELF,0x7f00aa000000,41096     ZONE(id)=name,0xaddress,size, one per zone in ascending id order
 * KMEMDUMP_BACKEND=default             the active backend
 * KMEMDUMP_ZONES=3                     how many ZONE lines there are
 * </pre>
 *
 * <p>The runtime writes the lines in this order: the key lines that change while it runs come last,
 * so that the backend's name or the zone count's digits growing moves no {@code ZONE} line. Readers
 * (ours, and the {@code crash} tool's, which looks each key up) do not depend on the order.
 *
 * <p>Written by {@link Writer}, read by {@link #parse}; a reader that also has the zones from
 * another source (a table, a directory) compares them with {@link #zones()}.
 */
public final class Vmcoreinfo {
    /** The owner name of the ELF note whose descriptor is this text. */
    public static final String NOTE_NAME = "VMCOREINFO";
    public static final String OSRELEASE = "OSRELEASE";
    public static final String PAGESIZE = "PAGESIZE";
    public static final String PID = "PID";
    public static final String BACKEND = "KMEMDUMP_BACKEND";
    /** The number of {@code ZONE} lines: a text torn by a kill in the middle of a rewrite disagrees with it. */
    public static final String ZONES = "KMEMDUMP_ZONES";
    /** Set when the headers of a core were not the runtime's but made by the collector. */
    public static final String HEADERS = "KMEMDUMP_HEADERS";
    /** {@code OUTCOME(id)=why}: what became of a zone a collector could not read whole. */
    public static final String OUTCOME = "OUTCOME";
    public static final String ZONE = "ZONE";

    private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern ZONE_LINE = Pattern.compile(
            "ZONE\\((0|[1-9][0-9]{0,2})\\)=([A-Za-z0-9_.+-]{1,15}),0x([0-9a-fA-F]{1,16}),(0|[1-9][0-9]{0,18})");
    private static final Pattern OUTCOME_LINE = Pattern.compile("OUTCOME\\((0|[1-9][0-9]{0,2})\\)=.*", Pattern.DOTALL);
    /** Any other key; its value is any bytes (DOTALL: a NEL byte is no line end here). */
    private static final Pattern KEY_LINE = Pattern.compile("([A-Z][A-Z0-9_]*)=(.*)", Pattern.DOTALL);
    private static final Pattern COUNT = Pattern.compile("0|[1-9][0-9]{0,8}");
    private static final int EXCERPT = 40;

    /** One {@code ZONE} line. */
    public record Zone(int id, String name, long address, long size) {
        /** @return the line without its newline, e.g. {@code ZONE(1)=ELF,0x7f00aa000000,41096} */
        public String line() {
            return ZONE + "(" + Integer.toUnsignedString(id) + ")=" + name + ",0x" + Long.toHexString(address) + ","
                    + Long.toUnsignedString(size);
        }
    }

    /** Builds the text line by line. */
    public static final class Writer {
        private final StringBuilder text = new StringBuilder();

        /**
         * @throws IllegalArgumentException if the key is not {@code [A-Z][A-Z0-9_]*} or the value
         *         holds a newline or a NUL (either would end the line or the text early)
         */
        public Writer key(String key, Object value) {
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("'" + key + "' is not a VMCOREINFO key");
            }
            return line(key + "=" + value);
        }

        public Writer zone(int id, String name, long address, long size) {
            return line(new Zone(id, name, address, size).line());
        }

        public Writer outcome(int id, String why) {
            return line(OUTCOME + "(" + Integer.toUnsignedString(id) + ")=" + why);
        }

        private Writer line(String line) {
            if (line.indexOf('\n') >= 0 || line.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a VMCOREINFO line cannot hold a newline or a NUL: '" + excerpt(line) + "'");
            }
            text.append(line).append('\n');
            return this;
        }

        public String text() {
            return text.toString();
        }
    }

    private final Map<String, String> keys;
    private final List<Zone> zones;

    private Vmcoreinfo(Map<String, String> keys, List<Zone> zones) {
        this.keys = Collections.unmodifiableMap(keys);
        this.zones = List.copyOf(zones);
    }

    public static Writer writer() {
        return new Writer();
    }

    /**
     * Reads the text the runtime (or a collector) writes, strictly: every line a {@code ZONE} line, an
     * {@code OUTCOME} line or a {@code KEY=value} line, the last one ended, no zone listed twice, as many {@code ZONE} lines as
     * {@link #ZONES} says (when it says).
     *
     * @param zone the zone's bytes; the text ends at the first NUL
     * @throws IllegalArgumentException saying which line is wrong and why
     */
    public static Vmcoreinfo parse(byte[] zone) {
        int length = 0;
        while (length < zone.length && zone[length] != 0) {
            length++;
        }
        String text = new String(zone, 0, length, StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("it is empty");
        }
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("its last line is not ended (torn?)");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        Map<Integer, Zone> zones = new TreeMap<>();
        int number = 0;
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            number++;
            Matcher zoneLine = ZONE_LINE.matcher(line);
            Matcher keyLine = KEY_LINE.matcher(line);
            if (zoneLine.matches()) {
                Zone parsed = zone(zoneLine, number, line);
                if (zones.put(parsed.id(), parsed) != null) {
                    throw new IllegalArgumentException("it lists zone " + parsed.id() + " twice");
                }
            } else if (OUTCOME_LINE.matcher(line).matches()) {
                continue; // what a collector wrote about a zone it could not read whole: its missing-zones note says it too
            } else if (line.startsWith(ZONE + "(") || !keyLine.matches()
                    || keyLine.group(1).equals(ZONES) && !COUNT.matcher(keyLine.group(2)).matches()) {
                throw new IllegalArgumentException("line " + number + " '" + excerpt(line) + "' is not one the runtime writes");
            } else {
                keys.putIfAbsent(keyLine.group(1), keyLine.group(2));
            }
        }
        String declared = keys.get(ZONES);
        if (declared != null && Integer.parseInt(declared) != zones.size()) {
            throw new IllegalArgumentException("it has " + zones.size() + " ZONE lines but says " + ZONES + "=" + declared
                    + " (torn by a kill in the middle of a rewrite?)");
        }
        return new Vmcoreinfo(keys, new ArrayList<>(zones.values()));
    }

    private static Zone zone(Matcher line, int number, String text) {
        try {
            return new Zone(Integer.parseInt(line.group(1)), line.group(2), Long.parseUnsignedLong(line.group(3), 16),
                    Long.parseLong(line.group(4)));
        } catch (NumberFormatException tooLarge) {
            throw new IllegalArgumentException("line " + number + " '" + excerpt(text) + "' has a size beyond 2^63");
        }
    }

    /** The line cut to a length fit for a message; its bytes as they are (whoever prints it makes them printable). */
    private static String excerpt(String line) {
        return line.length() > EXCERPT ? line.substring(0, EXCERPT) + "..." : line;
    }

    /** @return the value of the first line with that key */
    public Optional<String> value(String key) {
        return Optional.ofNullable(keys.get(key));
    }

    /** @return every key but the {@code ZONE} lines', with the value of its first line, in text order */
    public Map<String, String> keys() {
        return keys;
    }

    /** @return the {@code ZONE} lines in ascending id order */
    public List<Zone> zones() {
        return zones;
    }
}
