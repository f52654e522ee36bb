package org.kmemdump.collector;

import java.time.Instant;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;

/** An {@link InspectReport} as the one JSON object {@code inspect --json} prints. */
public final class InspectJson {
    private InspectJson() {
    }

    public static String render(InspectReport report) {
        ArenaFile.Header header = report.header();
        JsonWriter json = new JsonWriter().beginObject()
                .name("directory").value(report.directory().toString())
                .name("owner").beginObject();
        ZoneJson.owner(report.owner(), json);
        json.name("startTime").value(Instant.ofEpochMilli(header.startTime()).toString())
                .name("startTimeMs").value(header.startTime())
                .endObject()
                .name("heartbeatMs").value(header.heartbeat())
                .name("heartbeatAgeMs");
        if (report.heartbeatAgeMs() == null) {
            json.value((String) null);
        } else {
            json.value(report.heartbeatAgeMs().longValue());
        }
        RunEnd end = report.end();
        json.name("end").beginObject()
                .name("kind").value(end.kind().word)
                .name("timeMs").value(end.timeMs())
                .name("time").value(end.timeMs() == 0 ? null : Instant.ofEpochMilli(end.timeMs()).toString())
                .name("detail").value(end.detail())
                .name("rebooted").value(end.rebooted())
                .name("bootId").value(header.bootId() == null ? null : header.bootId().toString())
                .endObject();
        InspectReport.ZoneDirectory listing = report.zoneDirectory();
        json.name("backend").value(header.backend())
                .name("arena").beginObject()
                .name("path").value(report.arenaPath().toString())
                .name("length").value(header.length())
                .name("baseAddress").value(Sizes.hex(header.baseAddress()))
                .endObject()
                .name("coreimage").beginObject()
                .name("elfAddress").value(Sizes.hex(header.elfAddress()))
                .name("elfSize").unsignedValue(header.elfSize())
                .name("vmcoreinfoAddress").value(Sizes.hex(header.vmcoreinfoAddress()))
                .name("vmcoreinfoSize").unsignedValue(header.vmcoreinfoSize())
                .endObject()
                .name("zoneDirectory").beginObject()
                .name("usable").value(listing.usable())
                .name("problem").value(listing.problem())
                .name("zonesListed").value(listing.listed())
                .name("ignoredEntries").value(listing.ignored())
                .endObject();
        kinfo(report.kinfo(), header, json);
        InspectReport.Table table = report.table();
        InspectReport.Sources sources = report.sources();
        json.name("dumpable").value(table.dumpable())
                .name("notDumpable").value(table.problem())
                .name("sources").beginObject()
                .name("summary").value(sources.summary())
                .name("table").value(table.state())
                .name("tableRegions").value(sources.tableRegions())
                .name("directoryUsed").value(sources.directoryUsed())
                .name("directoryUnused").value(sources.directoryUnused())
                .name("onlyInDirectory").value(sources.onlyInDirectory())
                .endObject();
        json.name("snapshots").beginArray();
        for (SnapshotTime snapshot : report.snapshots()) {
            json.beginObject()
                    .name("zone").value(snapshot.zone())
                    .name("sequence").value(snapshot.sequence())
                    .name("timeMs").value(snapshot.timeMs())
                    .name("problem").value(snapshot.problem())
                    .endObject();
        }
        json.endArray();
        ZoneJson.notes(report.notes(), json);
        ZoneJson.zones(report.zones(), json);
        return json.name("table").value(table.asStored())
                .endObject().toString();
    }

    private static void kinfo(KinfoFile kinfo, ArenaFile.Header header, JsonWriter json) {
        KinfoFile.Checks checks = kinfo.checks();
        json.name("kinfo").beginObject()
                .name("path").value(kinfo.path().toString())
                .name("found").value(kinfo.found())
                .name("valid").value(kinfo.valid())
                .name("neverWritten").value(kinfo.neverWritten())
                .name("problem").value(kinfo.problem())
                .name("checks");
        if (checks == null) {
            json.value((String) null);
        } else {
            json.beginObject()
                    .name("magicNumber").value(Sizes.hex32(checks.magic()))
                    .name("magicHolds").value(checks.magicHolds())
                    .name("combinedChecksum").value(Sizes.hex32(checks.checksum()))
                    .name("combinedChecksumComputed").value(Sizes.hex32(checks.computedChecksum()))
                    .name("combinedChecksumHolds").value(checks.checksumHolds())
                    .name("extensionMagic").value(Sizes.hex32(checks.extensionMagic()))
                    .name("extensionVersion").unsignedValue(Integer.toUnsignedLong(checks.extensionVersion()))
                    .name("extensionLength").unsignedValue(Integer.toUnsignedLong(checks.extensionLength()))
                    .name("extensionHolds").value(checks.extensionHolds())
                    .name("extensionChecksum").value(Sizes.hex32(checks.extensionChecksum()))
                    .name("extensionChecksumComputed").value(Sizes.hex32(checks.computedExtensionChecksum()))
                    .name("extensionChecksumHolds").value(checks.extensionChecksumHolds())
                    .endObject();
        }
        KinfoRecord.Contents contents = kinfo.contents();
        json.name("lastUtsRelease").value(contents == null ? null : contents.lastUtsRelease())
                .name("buildInfo").value(contents == null ? null : contents.buildInfo())
                .name("threadSize");
        if (contents == null) {
            json.value((String) null);
        } else {
            json.unsignedValue(Integer.toUnsignedLong(contents.threadSize()));
        }
        json.name("pointers");
        if (contents == null) {
            json.value((String) null);
        } else {
            json.beginObject();
            kinfo.pointers().forEach((target, pointer) -> json.name(target.jsonName).beginObject()
                    .name("address").value(Sizes.hex(pointer.address()))
                    .name("size").unsignedValue(pointer.size())
                    .name("where").value(KinfoFile.where(pointer, header))
                    .name("inArena").value(header.holds(pointer.address(), pointer.size()))
                    .endObject());
            json.endObject();
        }
        json.endObject();
    }
}
