package org.kmemdump.collector;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kmemdump.format.Elf64;

/**
 * The VMCOREINFO zone's text, checked before the runtime's coreimage zones become the core's
 * headers: the text goes into the core as it is, so it must list exactly the regions collected,
 * one {@code ZONE(id)=name,0xaddress,size} line each (the runtime's own zones included), as many as
 * its {@code KMEMDUMP_ZONES} says, every other line a {@code KEY=value} line, the last one ended.
 * The runtime rewrites the text in place on every change, so a kill in the middle leaves it torn:
 * this check is what keeps such a text out of a core. The regions themselves come from the
 * minidump table and the zone directory, never from here.
 */
final class VmcoreinfoText {
    private static final Pattern ZONE_LINE = Pattern.compile(
            "ZONE\\((0|[1-9][0-9]{0,2})\\)=([A-Za-z0-9_.+-]{1,15}),0x([0-9a-fA-F]{1,16}),(0|[1-9][0-9]{0,18})");
    /** Any other key, e.g. OSRELEASE or KMEMDUMP_BACKEND, whose values are any bytes (DOTALL: a NEL byte is no line end here). */
    private static final Pattern KEY_LINE = Pattern.compile("[A-Z][A-Z0-9_]*=.*", Pattern.DOTALL);
    private static final String ZONES_KEY = "KMEMDUMP_ZONES=";
    private static final Pattern COUNT = Pattern.compile("0|[1-9][0-9]{0,8}");
    private static final int EXCERPT = 40;

    private record Line(int id, String name, long address, long size) {
    }

    private VmcoreinfoText() {
    }

    /**
     * @param bytes the VMCOREINFO zone's bytes; the text ends at the first NUL
     * @param plan every region, in ascending id order
     * @return why the text does not list exactly the regions that name memory, or {@code null}
     */
    static String mismatch(byte[] bytes, List<PlannedZone> plan) {
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) {
            return "it is empty";
        }
        if (!text.endsWith("\n")) {
            return "its last line is not ended (torn?)";
        }
        Map<Integer, Line> listed = new TreeMap<>();
        int declared = -1;
        int number = 0;
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            number++;
            Matcher zoneLine = ZONE_LINE.matcher(line);
            if (zoneLine.matches()) {
                Line parsed = parse(zoneLine);
                if (parsed == null) {
                    return "line " + number + " '" + excerpt(line) + "' has a size beyond 2^63";
                }
                if (listed.put(parsed.id(), parsed) != null) {
                    return "it lists zone " + parsed.id() + " twice";
                }
            } else if (line.startsWith(ZONES_KEY) && COUNT.matcher(line.substring(ZONES_KEY.length())).matches()) {
                declared = Integer.parseInt(line.substring(ZONES_KEY.length()));
            } else if (line.startsWith("ZONE(") || line.startsWith(ZONES_KEY) || !KEY_LINE.matcher(line).matches()) {
                return "line " + number + " '" + excerpt(line) + "' is not one the runtime writes";
            }
        }
        if (declared >= 0 && declared != listed.size()) {
            return "it has " + listed.size() + " ZONE lines but says KMEMDUMP_ZONES=" + declared + " (torn by a kill in the middle of a rewrite?)";
        }
        for (PlannedZone planned : plan) {
            if (!planned.describesMemory()) {
                continue;
            }
            Zone zone = planned.zone();
            Line line = listed.remove(zone.id());
            if (line == null) {
                return "it does not list region " + Integer.toUnsignedString(zone.id());
            }
            if (!line.name().equals(zone.name()) || line.address() != zone.address() || Elf64.align4(line.size()) != zone.size()) {
                return "it lists " + describe(line) + ", region " + line.id() + " is '" + TerminalText.clean(zone.name()) + "' at "
                        + Sizes.hex(zone.address()) + " (" + Long.toUnsignedString(zone.size()) + " bytes)";
            }
        }
        return listed.isEmpty() ? null : "it lists " + describe(listed.values().iterator().next()) + ", which is not collected";
    }

    private static Line parse(Matcher line) {
        try {
            return new Line(Integer.parseInt(line.group(1)), line.group(2), Long.parseUnsignedLong(line.group(3), 16),
                    Long.parseLong(line.group(4)));
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    private static String describe(Line line) {
        return "ZONE(" + line.id() + ")=" + line.name() + "," + Sizes.hex(line.address()) + "," + line.size();
    }

    private static String excerpt(String line) {
        return TerminalText.clean(line.length() > EXCERPT ? line.substring(0, EXCERPT) + "..." : line);
    }
}
