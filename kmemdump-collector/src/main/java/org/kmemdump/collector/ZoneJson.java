package org.kmemdump.collector;

import java.util.List;

/** The zones and notes of the JSON reports, one shape for inspect and collect. */
final class ZoneJson {
    private ZoneJson() {
    }

    static void notes(List<String> notes, JsonWriter json) {
        json.name("notes").beginArray();
        for (String note : notes) {
            json.value(note);
        }
        json.endArray();
    }

    static void zones(List<ZoneResult> zones, JsonWriter json) {
        json.name("regions").beginArray();
        for (ZoneResult result : zones) {
            json.beginObject()
                    .name("id").unsignedValue(Integer.toUnsignedLong(result.zone().id()))
                    .name("name").value(result.zone().name())
                    .name("address").value(Sizes.hex(result.zone().address()))
                    .name("size").unsignedValue(result.zone().size())
                    .name("source").value(result.source())
                    .name("listedBy").value(result.zone().listedBy().text())
                    .name("sensitive").value(result.zone().sensitive())
                    .name("outcome").value(result.outcome().status().text())
                    .name("reason").value(result.outcome().reason())
                    .endObject();
        }
        json.endArray();
    }

    static void owner(OwnerProcess owner, JsonWriter json) {
        json.name("pid").value(owner.pid())
                .name("state").value(owner.state().text())
                .name("detail").value(owner.detail());
    }
}
