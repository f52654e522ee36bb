package org.kmemdump.collector;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.Vmcoreinfo;
import org.kmemdump.format.ZoneNotes;

/**
 * What a collected ELF core holds, for {@code inspect} on a core or a crash entry whose raw files
 * were dropped: the run its {@code VMCOREINFO} note names, the notes that say what it holds, and
 * for every zone whether its bytes are in the core.
 *
 * @param zones every zone the {@code VMCOREINFO} note lists, in ascending id order
 * @param files how many zones the {@code NT_FILE} note names (0 when the core has none)
 */
public record CoreInspection(Path core, long pid, String release, String backend, String headers, List<ZoneState> zones, int files,
        List<ZoneNotes.Missing> missing) {
    /** @param state {@code in the core}, or why it is not */
    public record ZoneState(Vmcoreinfo.Zone zone, boolean inCore, String state) {
    }

    /** @throws Failure (exit 3) when the file is no readable kmemdump core */
    public static CoreInspection inspect(Path path) throws Failure {
        try (CoreFile core = CoreFile.open(path)) {
            Vmcoreinfo info = core.vmcoreinfo();
            List<ZoneState> zones = new ArrayList<>();
            for (Vmcoreinfo.Zone zone : info.zones()) {
                String absence = core.absence(zone);
                zones.add(new ZoneState(zone, absence == null, absence == null ? "in the core" : "not in the core: " + absence));
            }
            return new CoreInspection(core.path(), core.pid(), info.value(Vmcoreinfo.OSRELEASE).orElse("-"),
                    info.value(Vmcoreinfo.BACKEND).orElse("-"), info.value(Vmcoreinfo.HEADERS).orElse("the runtime's coreimage"),
                    List.copyOf(zones), core.files().size(), core.missing());
        }
    }

    /** @return whether every zone's bytes are in the core */
    public boolean complete() {
        return zones.stream().allMatch(ZoneState::inCore);
    }

    /** @return the report as text, one zone a line */
    public String text() {
        StringBuilder text = new StringBuilder();
        text.append("core:     ").append(core).append('\n');
        text.append("pid:      ").append(pid).append('\n');
        text.append("release:  ").append(TerminalText.clean(release)).append('\n');
        text.append("backend:  ").append(TerminalText.clean(backend)).append('\n');
        text.append("headers:  ").append(TerminalText.clean(headers)).append('\n');
        text.append("notes:    VMCOREINFO (").append(zones.size()).append(" zones), ")
                .append(files == 0 ? "no NT_FILE" : "NT_FILE (" + files + " zones named)").append(", ")
                .append(missing.isEmpty() ? "no zone listed missing" : missing.size() + " zones listed missing (lost or withheld)")
                .append('\n');
        text.append("zones:\n");
        for (ZoneState each : zones) {
            Vmcoreinfo.Zone zone = each.zone();
            text.append(String.format("  %3s  %-16s %18s %12s  %s%n", Integer.toUnsignedString(zone.id()), TerminalText.clean(zone.name()),
                    Sizes.hex(zone.address()), Long.toUnsignedString(zone.size()), TerminalText.clean(each.state())));
        }
        return text.toString();
    }

    /** @return the report as one JSON object */
    public String json() {
        JsonWriter json = new JsonWriter().beginObject()
                .name("core").value(core.toString())
                .name("pid").value(pid)
                .name("release").value(release)
                .name("backend").value(backend)
                .name("headers").value(headers)
                .name("notes").beginObject()
                .name("ntFile").value(files)
                .name("missing").value(missing.size())
                .endObject()
                .name("zones").beginArray();
        for (ZoneState each : zones) {
            json.beginObject()
                    .name("id").value(Integer.toUnsignedLong(each.zone().id()))
                    .name("name").value(each.zone().name())
                    .name("address").value(Sizes.hex(each.zone().address()))
                    .name("size").unsignedValue(each.zone().size())
                    .name("inCore").value(each.inCore())
                    .name("state").value(each.state())
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }
}
