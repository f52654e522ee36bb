package org.kmemdump.collector;

/** A {@link CollectReport} as one JSON object: the summary the runtime keeps beside a core it collected. */
public final class CollectJson {
    private CollectJson() {
    }

    public static String render(CollectReport report) {
        JsonWriter json = new JsonWriter().beginObject().name("owner").beginObject();
        ZoneJson.owner(report.owner(), json);
        json.endObject()
                .name("sources").value(report.sources())
                .name("headers").value(report.headers())
                .name("core").value(report.core().toString())
                .name("coreSize").value(report.coreSize())
                .name("bins").value(report.bins() == null ? null : report.bins().toString())
                .name("problems").value(report.problems());
        ZoneJson.notes(report.notes(), json);
        ZoneJson.zones(report.zones(), json);
        return json.endObject().toString();
    }
}
