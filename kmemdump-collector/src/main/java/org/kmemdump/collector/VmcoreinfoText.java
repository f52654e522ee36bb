package org.kmemdump.collector;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.kmemdump.format.Elf64;
import org.kmemdump.format.Vmcoreinfo;

/**
 * The VMCOREINFO zone's text, checked before the runtime's coreimage zones become the core's
 * headers: the text goes into the core as it is, so it must be one {@link Vmcoreinfo#parse} accepts
 * (a kill in the middle of the runtime's in-place rewrite leaves it torn) and list exactly the
 * zones collected. The zones themselves come from the minidump table and the zone directory, never
 * from here.
 */
final class VmcoreinfoText {
    private VmcoreinfoText() {
    }

    /**
     * @param bytes the VMCOREINFO zone's bytes; the text ends at the first NUL
     * @param plan  every zone, in ascending id order
     * @return why the text does not list exactly the zones that name memory, or {@code null}
     */
    static String mismatch(byte[] bytes, List<PlannedZone> plan) {
        Vmcoreinfo text;
        try {
            text = Vmcoreinfo.parse(bytes);
        } catch (IllegalArgumentException e) {
            return TerminalText.clean(e.getMessage()); // it quotes the line
        }
        Map<Integer, Vmcoreinfo.Zone> listed = new TreeMap<>();
        text.zones().forEach(line -> listed.put(line.id(), line));
        for (PlannedZone planned : plan) {
            if (!planned.describesMemory()) {
                continue;
            }
            Zone zone = planned.zone();
            Vmcoreinfo.Zone line = listed.remove(zone.id());
            if (line == null) {
                return "it does not list region " + zone.idText();
            }
            if (!line.name().equals(zone.name()) || line.address() != zone.address() || Elf64.align4(line.size()) != zone.size()) {
                return "it lists " + line.line() + ", region " + line.id() + " is '" + TerminalText.clean(zone.name()) + "' at "
                        + Sizes.hex(zone.address()) + " (" + Long.toUnsignedString(zone.size()) + " bytes)";
            }
        }
        return listed.isEmpty() ? null : "it lists " + listed.values().iterator().next().line() + ", which is not collected";
    }
}
