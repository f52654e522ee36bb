package org.kmemdump.webconsole.internal;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Instant;
import java.util.List;

import org.kmemdump.api.Zone;
import org.kmemdump.collector.CrashListing;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.LogRing;

/**
 * The page's HTML inside the Web Console's frame, with the console's own classes (statline,
 * buttonGroup headers, nicetable tables, ui-state buttons) and no resource of its own. Every name
 * (zones, backends, bundles, log messages) is escaped: they come from other bundles.
 */
final class PageHtml {
    private final StringBuilder html = new StringBuilder();
    private final String root;

    /** @param root the page's own URL path, which links and forms go to */
    private PageHtml(String root) {
        this.root = root;
    }

    /**
     * @param pinned the pinned backend's name, {@code ""} for none
     * @param log    the newest log records, oldest first
     * @param logProblem why there are no records, or {@code ""}
     */
    static String render(String root, Status status, String pinned, List<LogRing.Entry> log, String logProblem) {
        PageHtml page = new PageHtml(root);
        page.statline(status, pinned);
        page.backends(status, pinned);
        page.zones(status);
        page.crashes(status);
        page.log(log, logProblem);
        return page.html.toString();
    }

    private void statline(Status status, String pinned) {
        html.append("<p class=\"statline ui-state-highlight\" id=\"kmemdump-status\">").append(status.zones().size())
                .append(" zones; active backend: <b id=\"kmemdump-active\">").append(escape(status.active().orElse("none")))
                .append("</b>; ").append(pinned.isEmpty() ? "no pin (the highest ranking chooses)" : "pinned: " + escape(pinned))
                .append("</p>\n");
    }

    private void backends(Status status, String pinned) {
        header("Backends (* active)");
        html.append("<table class=\"nicetable\" id=\"kmemdump-backends\"><thead><tr><th>Active</th><th>Name</th><th>Pin</th></tr></thead><tbody>\n");
        for (String name : status.backends()) {
            boolean active = status.active().filter(name::equals).isPresent();
            html.append("<tr><td>").append(active ? "*" : "").append("</td><td>").append(escape(name)).append("</td><td>");
            if (name.equals(pinned)) {
                html.append("pinned");
            } else {
                form("pin", name, "Pin " + name);
            }
            html.append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
        if (!pinned.isEmpty()) {
            html.append("<p>");
            form("unpin", null, "Unpin (let the highest ranking choose)");
            html.append("</p>\n");
        }
    }

    private void form(String action, String backend, String label) {
        html.append("<form method=\"post\" action=\"").append(escape(root)).append("\" style=\"display:inline\">")
                .append("<input type=\"hidden\" name=\"action\" value=\"").append(action).append("\">");
        if (backend != null) {
            html.append("<input type=\"hidden\" name=\"backend\" value=\"").append(escape(backend)).append("\">");
        }
        html.append("<input type=\"submit\" class=\"ui-state-default ui-corner-all\" value=\"").append(escape(label)).append("\"></form>");
    }

    private void zones(Status status) {
        header("Zones");
        html.append("<p><a id=\"kmemdump-live-core\" href=\"").append(escape(root)).append('/').append(Download.LIVE).append('/')
                .append(CrashEntry.CORE).append("\">Download a core of the running process</a> (sensitive zones are zeros in it; ")
                .append("a sensitive zone's bytes are never offered here)</p>\n");
        html.append("<table class=\"nicetable\" id=\"kmemdump-zones\"><thead><tr><th>Id</th><th>Name</th><th>Address</th><th>Size</th>"
                + "<th>Sensitive</th><th>Backend</th><th>State</th></tr></thead><tbody>\n");
        for (Zone zone : status.zones()) {
            html.append("<tr><td>").append(zone.id()).append("</td><td>").append(escape(zone.name())).append("</td><td>0x")
                    .append(String.format("%016x", zone.address())).append("</td><td>").append(zone.size()).append("</td><td>")
                    .append(zone.sensitive() ? "yes" : "no").append("</td><td>").append(escape(status.holder(zone))).append("</td><td>")
                    .append(escape(Status.state(zone))).append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private void crashes(Status status) {
        header("Crashes");
        if (!status.crashProblem().isEmpty()) {
            html.append("<p class=\"ui-state-error\">").append(escape(status.crashProblem())).append("</p>\n");
            return;
        }
        html.append("<table class=\"nicetable\" id=\"kmemdump-crashes\"><thead><tr><th>Id</th><th>PID</th><th>Started</th><th>Ended</th>"
                + "<th>Zones</th><th>Bytes</th><th>Downloads</th></tr></thead><tbody>\n");
        for (CrashListing.Row row : status.crashes()) {
            html.append("<tr><td>").append(escape(row.id())).append("</td><td>").append(escape(row.pid())).append("</td><td>")
                    .append(escape(row.started())).append("</td><td>").append(escape(row.ended())).append("</td><td>")
                    .append(escape(row.zones())).append("</td><td>").append(row.bytes()).append("</td><td>");
            for (String name : Download.CRASH_FILES) {
                if (Files.isRegularFile(row.path().resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    html.append("<a href=\"").append(escape(root + "/" + Download.CRASH + "/" + row.id() + "/" + name)).append("\">")
                            .append(name).append("</a> ");
                }
            }
            html.append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private void log(List<LogRing.Entry> log, String problem) {
        header("Log (newest last)");
        if (!problem.isEmpty()) {
            html.append("<p class=\"ui-state-error\">").append(escape(problem)).append("</p>\n");
            return;
        }
        html.append("<table class=\"nicetable\" id=\"kmemdump-log\"><thead><tr><th>Time</th><th>Level</th><th>Bundle</th><th>Message</th>"
                + "</tr></thead><tbody>\n");
        for (LogRing.Entry entry : log) {
            html.append("<tr><td>").append(Instant.ofEpochMilli(entry.time())).append("</td><td>").append(entry.level()).append("</td><td>")
                    .append(escape(entry.bundle())).append(" [").append(entry.bundleId()).append("]</td><td>").append(escape(entry.message()));
            if (!entry.exception().isEmpty()) {
                html.append("<br>").append(escape(entry.thrown()));
            }
            html.append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private void header(String title) {
        html.append("<div class=\"ui-widget-header ui-corner-top buttonGroup\">").append(escape(title)).append("</div>\n");
    }

    /** Escapes the five characters that are markup in text and in quoted attribute values. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
