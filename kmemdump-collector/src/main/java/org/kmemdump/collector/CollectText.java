package org.kmemdump.collector;

/** A {@link CollectReport} as the lines {@code collect} prints. */
public final class CollectText {
    private CollectText() {
    }

    public static String render(CollectReport report) {
        StringBuilder text = new StringBuilder();
        OwnerProcess owner = report.owner();
        text.append("owner:   pid ").append(owner.pid()).append(", ").append(owner.state().text()).append(" (").append(owner.detail())
                .append(")\n");
        text.append("sources: ").append(TerminalText.clean(report.sources())).append('\n');
        text.append("headers: ").append(report.headers()).append('\n');
        ZoneTable.render(report.zones(), text);
        ZoneTable.renderNotes(report.notes(), text);
        text.append("wrote ").append(report.core()).append(": ").append(report.coreSize()).append(" bytes, ").append(report.zones().size())
                .append(" regions, ").append(report.zones().size() - report.incomplete() - report.withheld()).append(" ok")
                .append(report.withheld() == 0 ? "" : ", " + report.withheld() + " sensitive not collected")
                .append(report.bins() == null ? "" : ", md_*.BIN in " + report.bins()).append('\n');
        return text.toString();
    }
}
