package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kmemdump.api.ZoneIds;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.MinidumpTable.Region;

/**
 * The zones the arena's coreimage lists, whatever backend was active: the
 * {@code ZONE(id)=name,0xaddress,size} lines of the VMCOREINFO zone, which the arena header locates
 * ({@code vmcoreinfo_address}, {@code vmcoreinfo_size}), read up to the first NUL.
 *
 * <p>The runtime rewrites that text in place on every change, so a kill in the middle leaves it
 * torn: the start of the new text over the rest of the old one, one line possibly half of each.
 * Only well-formed lines count: id 1 to 200, a name the runtime accepts
 * ({@code [A-Za-z0-9_.+-]}, 1 to 15 characters), a non-zero address and a size above 0 that do not
 * run past the end of the address space. The first line of an id wins. Anything else is ignored
 * and counted, never thrown. Whether a line's zone can be believed also depends on where it lies
 * and on the owner: {@link RegionSources} decides.
 *
 * <p>The coreimage zones themselves come from the arena header, which is written once: a line for
 * id 1 or 2 that disagrees with it is ignored, and a missing one is taken from the header. Every
 * other zone is looked up in the ELF zone's program headers ({@link Zone#inElf()}), which the
 * runtime rewrites with the text.
 *
 * @param zones        the zones, in ascending id order; empty when {@code problem} is set
 * @param listedZones  how many well-formed ZONE lines the text has, duplicates included
 * @param declared     the text's {@code KMEMDUMP_ZONES}, or -1
 * @param ignoredLines how many lines were ignored
 * @param ignored      why, for the first {@value #MAX_REPORTED} of them
 * @param coreimageZonesListed whether the text itself lists the coreimage zones (else they come from the header alone)
 * @param elf          the ELF zone's program headers, or why they cannot be used
 * @param problem      why the coreimage lists nothing usable, or {@code null}
 */
record CoreimageListing(List<Zone> zones, int listedZones, long declared, int ignoredLines, List<String> ignored,
        boolean coreimageZonesListed, Coreimage.ProgramHeaders elf, String problem) {
    /** How many ignored lines are described; the rest are counted. */
    static final int MAX_REPORTED = 8;
    /** The longest well-formed line: {@code ZONE(200)=} + 15 + {@code ,0x} + 16 + {@code ,} + 19 digits. */
    private static final int MAX_LINE = 64;
    private static final int EXCERPT = 40;
    /** How much of a line is looked at: more than any line the runtime writes. */
    private static final int MAX_KEPT = 1024;
    private static final Pattern ZONE_LINE = Pattern.compile(
            "ZONE\\((0|[1-9][0-9]{0,2})\\)=([A-Za-z0-9_.+-]{1,15}),0x([0-9a-fA-F]{1,16}),(0|[1-9][0-9]{0,18})");
    /** Any other key, e.g. OSRELEASE or KMEMDUMP_BACKEND, whose values are any UTF-8 (DOTALL: a NEL byte is no line end here). */
    private static final Pattern KEY_LINE = Pattern.compile("[A-Z][A-Z0-9_]*=.*", Pattern.DOTALL);
    private static final String PID_KEY = "PID=";
    private static final String ZONES_KEY = "KMEMDUMP_ZONES=";
    static final String ELF_NAME = "ELF";
    static final String VMCOREINFO_NAME = "VMCOREINFO";

    /**
     * A zone as listed.
     *
     * @param size  as listed, not rounded
     * @param inElf whether the ELF zone has a {@code PT_LOAD} for exactly this zone (always for
     *              the coreimage zones, which have none: the arena header vouches for them)
     */
    record Zone(int id, String name, long address, long size, boolean inElf) {
        /** @return the zone as a region descriptor, its size rounded up to 4 as a backend stores it */
        Region region() {
            return new Region(-1, name, id, MinidumpTable.REGION_VALID, address, Elf64.align4(size));
        }

        String describe() {
            return "ZONE(" + id + ")=" + name + "," + Sizes.hex(address) + "," + size;
        }
    }

    static CoreimageListing unusable(String problem) {
        return new CoreimageListing(List.of(), 0, -1, 0, List.of(), false, null, problem);
    }

    boolean usable() {
        return problem == null;
    }

    /** Never throws: whatever the arena holds, the result is a listing or a problem naming the file and field. */
    static CoreimageListing read(ArenaFile.Header header, MemorySegment arena, String where) {
        long address = header.vmcoreinfoAddress();
        long size = header.vmcoreinfoSize();
        if (address == 0) {
            return unusable(where + ": vmcoreinfo_address is 0: the runtime recorded no coreimage zones");
        }
        if (size <= 0 || size > Coreimage.MAX_ZONE_SIZE) {
            return unusable(where + ": vmcoreinfo_size is " + Long.toUnsignedString(size) + ", not 1.." + Coreimage.MAX_ZONE_SIZE);
        }
        if (!header.holds(address, size)) {
            return unusable(where + ": vmcoreinfo_address " + Sizes.hex(address) + " (vmcoreinfo_size " + size
                    + ") does not lie in the arena's zone area");
        }
        byte[] text = textUpToNul(arena, header.offsetOf(address), size);
        if (text == null) {
            return unusable(where + ": the arena file shrank while the VMCOREINFO zone was read");
        }
        if (text.length == 0) {
            return unusable(where + ": the VMCOREINFO zone at " + Sizes.hex(address) + " is empty (never written?)");
        }
        return parse(new String(text, StandardCharsets.ISO_8859_1), header, arena, where);
    }

    /** @return the bytes before the first NUL of the zone, or {@code null} if the file cannot be read there */
    private static byte[] textUpToNul(MemorySegment arena, long offset, long size) {
        try {
            long length = 0;
            while (length < size && arena.get(ValueLayout.JAVA_BYTE, offset + length) != 0) {
                length++;
            }
            return arena.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        } catch (InternalError | IndexOutOfBoundsException e) { // a shrunk mapping faults
            return null;
        }
    }

    private static CoreimageListing parse(String text, ArenaFile.Header header, MemorySegment arena, String where) {
        Coreimage.ProgramHeaders elf = elfHeaders(header, arena, where);
        Map<Integer, Zone> byId = new HashMap<>();
        List<String> ignored = new ArrayList<>();
        int[] ignoredLines = {0};
        int listed = 0;
        long declared = -1;
        Long pid = null;
        int number = 0;
        for (int start = 0; start < text.length(); ) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end;
            number++;
            // a line no writer makes is not copied whole: a MiB of garbage costs its start
            String line = text.substring(start, Math.min(end, start + MAX_KEPT));
            start = end + 1;
            if (line.startsWith("ZONE(")) {
                Zone zone = line.length() <= MAX_LINE ? zone(line, elf) : null;
                if (zone == null) {
                    ignore(ignored, ignoredLines, number, line, "is not a well-formed ZONE(id)=name,0xaddress,size line");
                    continue;
                }
                listed++;
                String disagreement = coreimageZoneProblem(zone, header);
                if (disagreement != null) {
                    ignore(ignored, ignoredLines, number, line, disagreement);
                } else if (byId.putIfAbsent(zone.id(), zone) != null) {
                    ignore(ignored, ignoredLines, number, line, "lists zone " + zone.id() + " again: the first line is kept");
                }
            } else if (line.startsWith(PID_KEY)) {
                pid = number(line.substring(PID_KEY.length()));
                if (pid == null) {
                    ignore(ignored, ignoredLines, number, line, "is not PID=<number>");
                }
            } else if (line.startsWith(ZONES_KEY)) {
                Long zones = number(line.substring(ZONES_KEY.length()));
                if (zones == null) {
                    ignore(ignored, ignoredLines, number, line, "is not KMEMDUMP_ZONES=<number>");
                } else {
                    declared = zones;
                }
            } else if (!KEY_LINE.matcher(line).matches()) {
                ignore(ignored, ignoredLines, number, line, "is not a KEY=value line");
            }
        }
        if (pid != null && pid != header.pid()) {
            return unusable(where + ": the VMCOREINFO zone says PID=" + pid + ", the arena header pid " + header.pid()
                    + ": it is not this arena's coreimage");
        }
        if (byId.isEmpty()) {
            return unusable(where + ": the VMCOREINFO zone at " + Sizes.hex(header.vmcoreinfoAddress()) + " lists no zone in "
                    + number + " lines (" + ignoredLines[0] + " ignored)");
        }
        boolean coreimageZonesListed = byId.containsKey(ZoneIds.ELF) && byId.containsKey(ZoneIds.VMCOREINFO);
        byId.putIfAbsent(ZoneIds.ELF, headerZone(ZoneIds.ELF, ELF_NAME, header.elfAddress(), header.elfSize(), header));
        byId.putIfAbsent(ZoneIds.VMCOREINFO, headerZone(ZoneIds.VMCOREINFO, VMCOREINFO_NAME, header.vmcoreinfoAddress(),
                header.vmcoreinfoSize(), header));
        byId.values().removeIf(zone -> zone == null);
        List<Zone> zones = byId.values().stream().sorted(Comparator.comparingInt(Zone::id)).toList();
        return new CoreimageListing(zones, listed, declared, ignoredLines[0], List.copyOf(ignored), coreimageZonesListed, elf, null);
    }

    /** @return the zone of a well-formed line, or {@code null} */
    private static Zone zone(String line, Coreimage.ProgramHeaders elf) {
        Matcher matcher = ZONE_LINE.matcher(line);
        if (!matcher.matches()) {
            return null;
        }
        int id = Integer.parseInt(matcher.group(1));
        long address = Long.parseUnsignedLong(matcher.group(3), 16);
        long size;
        try {
            size = Long.parseLong(matcher.group(4));
        } catch (NumberFormatException tooLarge) {
            return null;
        }
        if (id < ZoneIds.ELF || id >= ZoneIds.MAX_ZONES || address == 0 || size <= 0 || size > Long.MAX_VALUE - 3
                || Long.compareUnsigned(address + Elf64.align4(size), address) < 0) {
            return null;
        }
        String name = matcher.group(2);
        boolean coreimageZone = id == ZoneIds.ELF || id == ZoneIds.VMCOREINFO;
        return new Zone(id, name, address, size, coreimageZone || elf.problem() == null && elf.hasLoad(address, Elf64.align4(size)));
    }

    /** @return why a line for a coreimage zone disagrees with the arena header, or {@code null} */
    private static String coreimageZoneProblem(Zone zone, ArenaFile.Header header) {
        if (zone.id() == ZoneIds.ELF && (!zone.name().equals(ELF_NAME) || zone.address() != header.elfAddress()
                || zone.size() != header.elfSize())) {
            return "disagrees with the arena header's ELF zone (" + Sizes.hex(header.elfAddress()) + ", "
                    + Long.toUnsignedString(header.elfSize()) + " bytes)";
        }
        if (zone.id() == ZoneIds.VMCOREINFO && (!zone.name().equals(VMCOREINFO_NAME) || zone.address() != header.vmcoreinfoAddress()
                || zone.size() != header.vmcoreinfoSize())) {
            return "disagrees with the arena header's VMCOREINFO zone (" + Sizes.hex(header.vmcoreinfoAddress()) + ", "
                    + Long.toUnsignedString(header.vmcoreinfoSize()) + " bytes)";
        }
        return null;
    }

    /** @return a coreimage zone from the arena header alone, or {@code null} when the header's fields are not usable */
    private static Zone headerZone(int id, String name, long address, long size, ArenaFile.Header header) {
        if (address == 0 || size <= 0 || size > Coreimage.MAX_ZONE_SIZE || !header.holds(address, Elf64.align4(size))) {
            return null;
        }
        return new Zone(id, name, address, size, true);
    }

    private static Coreimage.ProgramHeaders elfHeaders(ArenaFile.Header header, MemorySegment arena, String where) {
        long address = header.elfAddress();
        long size = header.elfSize();
        if (address == 0 || size <= 0 || size > Coreimage.MAX_ZONE_SIZE || !header.holds(address, size)) {
            return new Coreimage.ProgramHeaders(null, 0, 0, where + ": elf_address " + Sizes.hex(address) + " (elf_size "
                    + Long.toUnsignedString(size) + ") is not a zone in the arena");
        }
        try {
            byte[] bytes = arena.asSlice(header.offsetOf(address), size).toArray(ValueLayout.JAVA_BYTE);
            Coreimage.ProgramHeaders headers = Coreimage.ProgramHeaders.of(MemorySegment.ofArray(bytes));
            return headers.problem() == null ? headers
                    : new Coreimage.ProgramHeaders(null, 0, 0, "the ELF zone is no core header: " + headers.problem());
        } catch (InternalError | IndexOutOfBoundsException e) {
            return new Coreimage.ProgramHeaders(null, 0, 0, where + ": the arena file shrank while the ELF zone was read");
        }
    }

    private static Long number(String digits) {
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.parseLong(digits);
    }

    private static void ignore(List<String> ignored, int[] count, int number, String line, String why) {
        count[0]++;
        if (ignored.size() < MAX_REPORTED) {
            String excerpt = line.length() > EXCERPT ? line.substring(0, EXCERPT) + "..." : line;
            ignored.add("VMCOREINFO line " + number + " '" + RegionTable.printable(excerpt) + "' " + why);
        }
    }

    /** @return a note when the text's zone lines disagree with its own count, a sign of a torn rewrite */
    String countNote() {
        if (declared < 0 || declared == listedZones) {
            return null;
        }
        return "the VMCOREINFO zone has " + listedZones + " well-formed ZONE lines but says KMEMDUMP_ZONES=" + declared
                + " (torn by a kill in the middle of a rewrite?)";
    }
}
