package org.kmemdump.collector;

import java.time.Instant;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;

/** An {@link InspectReport} as the lines {@code inspect} prints. */
public final class InspectText {
    private static final String INDENT = "           ";

    private final StringBuilder text = new StringBuilder();

    private InspectText() {
    }

    public static String render(InspectReport report) {
        return new InspectText().report(report).text.toString();
    }

    private InspectText line(String line) {
        text.append(line).append('\n');
        return this;
    }

    private InspectText report(InspectReport report) {
        ArenaFile.Header header = report.header();
        OwnerProcess owner = report.owner();
        Long heartbeatAge = report.heartbeatAgeMs();
        line("directory: " + report.directory());
        line("owner:     pid " + owner.pid() + ", " + owner.state().text() + " (" + owner.detail() + ")");
        line("started:   " + Instant.ofEpochMilli(header.startTime()));
        line("heartbeat: " + (heartbeatAge == null ? "never written" : heartbeatAge < 0
                ? "in the future by " + -heartbeatAge + " ms (clock changed?)" : heartbeatAge + " ms ago"));
        line("ended:     " + TerminalText.clean(report.end().detail()));
        line("backend:   " + TerminalText.clean(header.backend()));
        line("arena:     " + report.arenaPath() + ", " + Sizes.human(header.length()) + ", mapped by the owner at "
                + Sizes.hex(header.baseAddress()));
        line("coreimage: ELF zone at " + Sizes.hex(header.elfAddress()) + " (" + header.elfSize() + " bytes), VMCOREINFO zone at "
                + Sizes.hex(header.vmcoreinfoAddress()) + " (" + header.vmcoreinfoSize() + " bytes)");
        kinfo(report.kinfo(), header);
        line("zones:     " + TerminalText.clean(report.zoneDirectory().summary()));
        line("table:     " + TerminalText.clean(report.table().summary()));
        line("sources:   " + TerminalText.clean(report.sources().summary()));
        for (SnapshotTime snapshot : report.snapshots()) {
            line(String.format("%-10s ", snapshot.zone() + ":")
                    + TerminalText.clean(snapshot.describe(header.heartbeat(), System.currentTimeMillis())));
        }
        line("");
        ZoneTable.render(report.zones(), text);
        ZoneTable.renderNotes(report.notes(), text);
        line("");
        InspectReport.Table table = report.table();
        if (table.asStored() == null) {
            line("minidump table: none (" + TerminalText.clean(table.problem()) + ")");
        } else {
            line("minidump table as stored:");
            table.asStored().lines().map(TerminalText::clean).forEach(this::line);
        }
        return this;
    }

    /** The kinfo record: found or not, its checks with their values, and when valid what it says and where its pointers lie. */
    private void kinfo(KinfoFile kinfo, ArenaFile.Header header) {
        if (!kinfo.found()) {
            line("kinfo:     none (" + TerminalText.clean(kinfo.problem()) + ")");
            return;
        }
        line("kinfo:     " + TerminalText.clean(kinfo.valid() ? kinfo.path() + ": valid"
                : kinfo.neverWritten() ? kinfo.problem() : "not valid: " + kinfo.problem()));
        KinfoFile.Checks checks = kinfo.checks();
        if (checks != null) {
            line(INDENT + "magic_number " + Sizes.hex32(checks.magic())
                    + (checks.magicHolds() ? " (holds)" : " (not " + Sizes.hex32(KinfoRecord.MAGIC) + ")")
                    + ", combined_checksum " + checksum(checks.checksum(), checks.computedChecksum()));
            line(INDENT + "JVM extension: magic " + Sizes.hex32(checks.extensionMagic()) + ", version " + checks.extensionVersion()
                    + ", length " + checks.extensionLength() + (checks.extensionHolds() ? " (holds)" : " (not "
                    + Sizes.hex32(KinfoRecord.EXT_MAGIC) + ", " + KinfoRecord.EXT_VERSION + ", " + KinfoRecord.EXT_LENGTH + ")")
                    + ", checksum " + checksum(checks.extensionChecksum(), checks.computedExtensionChecksum()));
        }
        if (!kinfo.valid()) {
            return;
        }
        KinfoRecord.Contents contents = kinfo.contents();
        line(INDENT + "last_uts_release '" + TerminalText.clean(contents.lastUtsRelease()) + "', build_info '"
                + TerminalText.clean(contents.buildInfo()) + "', thread_size " + Integer.toUnsignedString(contents.threadSize()));
        kinfo.pointers().forEach((target, pointer) -> line(INDENT + String.format("%-14s", target.text + ":")
                + (KinfoFile.none(pointer) ? "none" : KinfoFile.describe(pointer) + ", " + KinfoFile.where(pointer, header))));
    }

    private static String checksum(int stored, int computed) {
        return Sizes.hex32(stored) + (stored == computed ? " (holds)" : " (does not hold: the record sums to " + Sizes.hex32(computed) + ")");
    }
}
