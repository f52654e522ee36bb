package org.kmemdump.collector;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;

/**
 * {@code inspect DIR [--json]}: who owns the directory and in what state, which sources list the
 * regions (the minidump table, the arena's zone directory), and for every region where its bytes
 * are and whether they can be read now; and the kinfo record: whether it holds, what it says, and
 * whether the zones it points at lie in the arena. Reads a byte or two per region, never a whole
 * one.
 */
final class InspectCommand {
    private InspectCommand() {
    }

    static int run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        try (DumpInput input = DumpInput.open(line.directory())) {
            ArenaFile.Header header = input.header();
            OwnerProcess owner = OwnerProcess.of(header);
            ArenaSource arena = new ArenaSource(input.arenaFile(), header);
            ZoneSources sources;
            String nothingToCollect = null;
            try {
                sources = ZoneSources.of(input, owner);
            } catch (Failure failure) { // still worth showing what is there, then exit as collect would
                sources = null;
                nothingToCollect = failure.getMessage();
            }
            List<ZoneResult> results = new ArrayList<>();
            if (sources != null) {
                try (ProcessMemory process = ProcessMemory.open(owner)) {
                    for (PlannedZone planned : PlannedZone.plan(sources.zones(), arena, process)) {
                        Outcome outcome = planned.source() == null ? planned.unavailable() : planned.source().probe(planned.zone());
                        results.add(ZoneResult.of(planned, outcome));
                    }
                }
            }
            Long heartbeatAge = header.heartbeat() > 0 ? System.currentTimeMillis() - header.heartbeat() : null;
            KinfoFile kinfo = KinfoFile.read(input.directory(), owner.memoryReadable());
            Report report = new Report(input, owner, sources, nothingToCollect, heartbeatAge, results, kinfo);
            if (line.json()) {
                out.println(json(report));
            } else {
                text(report, out);
            }
            String kinfoDefect = kinfo.defect(header);
            if (nothingToCollect != null) {
                err.println(Collector.NAME + ": " + nothingToCollect + (kinfoDefect == null ? "" : "; " + kinfoDefect));
                return ExitCode.BAD_INPUT;
            }
            String problems = sources.warning() == null ? kinfoDefect
                    : sources.warning() + (kinfoDefect == null ? "" : "; " + kinfoDefect);
            if (problems != null) {
                err.println(Collector.NAME + ": " + problems);
            }
            return problems != null || ZoneTable.incomplete(results) > 0 ? ExitCode.INCOMPLETE : ExitCode.OK;
        }
    }

    /** @param sources {@code null} when there is nothing to collect, and {@code nothingToCollect} says why */
    private record Report(DumpInput input, OwnerProcess owner, ZoneSources sources, String nothingToCollect, Long heartbeatAge,
            List<ZoneResult> results, KinfoFile kinfo) {
        String table() {
            return sources == null ? ZoneSources.describeTable(input.smem(), 0) : sources.describeTable();
        }

        String sourcesText() {
            return sources == null ? "nothing to collect: " + nothingToCollect : sources.describeSources();
        }

        String zoneDirectory() {
            DirectoryListing listing = input.zoneDirectory();
            if (!listing.usable()) {
                return "unusable: " + listing.problem();
            }
            int ignored = listing.ignored().size();
            return listing.listed() + " listed in the arena's zone directory"
                    + (ignored == 0 ? "" : ", " + ignored + (ignored == 1 ? " entry" : " entries") + " ignored")
                    + (listing.elf().problem() == null ? "" : "; no PT_LOAD vouches for a zone: " + listing.elf().problem())
                    + (sources != null && sources.directoryUnused() != null ? "; not used: " + sources.directoryUnused() : "");
        }

        List<String> notes() {
            return sources == null ? List.of() : sources.notes();
        }
    }

    private static void text(Report report, PrintStream out) {
        DumpInput input = report.input();
        ArenaFile.Header header = input.header();
        OwnerProcess owner = report.owner();
        Long heartbeatAge = report.heartbeatAge();
        out.println("directory: " + input.directory());
        out.println("owner:     pid " + owner.pid() + ", " + owner.state().text + " (" + owner.detail() + ")");
        out.println("started:   " + Instant.ofEpochMilli(header.startTime()));
        out.println("heartbeat: " + (heartbeatAge == null ? "never written" : heartbeatAge < 0
                ? "in the future by " + -heartbeatAge + " ms (clock changed?)" : heartbeatAge + " ms ago"));
        out.println("backend:   " + ZoneTable.printable(header.backend()));
        out.println("arena:     " + input.arenaPath() + ", " + Sizes.human(header.length()) + ", mapped by the owner at "
                + Sizes.hex(header.baseAddress()));
        out.println("coreimage: ELF zone at " + Sizes.hex(header.elfAddress()) + " (" + header.elfSize() + " bytes), VMCOREINFO zone at "
                + Sizes.hex(header.vmcoreinfoAddress()) + " (" + header.vmcoreinfoSize() + " bytes)");
        kinfoText(report.kinfo(), header, out);
        out.println("zones:     " + ZoneTable.printable(report.zoneDirectory()));
        out.println("table:     " + ZoneTable.printable(report.table()));
        out.println("sources:   " + ZoneTable.printable(report.sourcesText()));
        out.println();
        ZoneTable.print(report.results(), out);
        ZoneTable.printNotes(report.notes(), out);
        out.println();
        SmemTable smem = input.smem();
        if (smem.table() == null) {
            out.println("minidump table: none (" + ZoneTable.printable(smem.problem()) + ")");
        } else {
            out.println("minidump table as stored:");
            smem.table().describe().lines().map(ZoneTable::printable).forEach(out::println);
        }
    }

    private static final String INDENT = "           ";

    /** The kinfo record: found or not, its checks with their values, and when valid what it says and where its pointers lie. */
    private static void kinfoText(KinfoFile kinfo, ArenaFile.Header header, PrintStream out) {
        if (!kinfo.found()) {
            out.println("kinfo:     none (" + ZoneTable.printable(kinfo.problem()) + ")");
            return;
        }
        out.println("kinfo:     " + ZoneTable.printable(kinfo.valid() ? kinfo.path() + ": valid"
                : kinfo.neverWritten() ? kinfo.problem() : "not valid: " + kinfo.problem()));
        KinfoFile.Checks checks = kinfo.checks();
        if (checks != null) {
            out.println(INDENT + "magic_number " + hex32(checks.magic()) + (checks.magicHolds() ? " (holds)" : " (not " + hex32(KinfoRecord.MAGIC) + ")")
                    + ", combined_checksum " + checksum(checks.checksum(), checks.computedChecksum()));
            out.println(INDENT + "JVM extension: magic " + hex32(checks.extensionMagic()) + ", version " + checks.extensionVersion() + ", length "
                    + checks.extensionLength() + (checks.extensionHolds() ? " (holds)" : " (not " + hex32(KinfoRecord.EXT_MAGIC) + ", "
                    + KinfoRecord.EXT_VERSION + ", " + KinfoRecord.EXT_LENGTH + ")") + ", checksum "
                    + checksum(checks.extensionChecksum(), checks.computedExtensionChecksum()));
        }
        if (!kinfo.valid()) {
            return;
        }
        KinfoRecord.Contents contents = kinfo.contents();
        out.println(INDENT + "last_uts_release '" + ZoneTable.printable(contents.lastUtsRelease()) + "', build_info '"
                + ZoneTable.printable(contents.buildInfo()) + "', thread_size " + Integer.toUnsignedString(contents.threadSize()));
        kinfo.pointers().forEach((target, pointer) -> out.println(INDENT + String.format("%-14s", target.text + ":")
                + (KinfoFile.none(pointer) ? "none" : KinfoFile.describe(pointer) + ", " + KinfoFile.where(pointer, header))));
    }

    private static String checksum(int stored, int computed) {
        return hex32(stored) + (stored == computed ? " (holds)" : " (does not hold: the record sums to " + hex32(computed) + ")");
    }

    private static String hex32(int value) {
        return "0x" + Integer.toHexString(value);
    }

    private static void kinfoJson(KinfoFile kinfo, ArenaFile.Header header, JsonWriter json) {
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
                    .name("magicNumber").value(hex32(checks.magic()))
                    .name("magicHolds").value(checks.magicHolds())
                    .name("combinedChecksum").value(hex32(checks.checksum()))
                    .name("combinedChecksumComputed").value(hex32(checks.computedChecksum()))
                    .name("combinedChecksumHolds").value(checks.checksumHolds())
                    .name("extensionMagic").value(hex32(checks.extensionMagic()))
                    .name("extensionVersion").unsignedValue(Integer.toUnsignedLong(checks.extensionVersion()))
                    .name("extensionLength").unsignedValue(Integer.toUnsignedLong(checks.extensionLength()))
                    .name("extensionHolds").value(checks.extensionHolds())
                    .name("extensionChecksum").value(hex32(checks.extensionChecksum()))
                    .name("extensionChecksumComputed").value(hex32(checks.computedExtensionChecksum()))
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

    private static String json(Report report) {
        DumpInput input = report.input();
        ArenaFile.Header header = input.header();
        OwnerProcess owner = report.owner();
        SmemTable smem = input.smem();
        DirectoryListing listing = input.zoneDirectory();
        ZoneSources sources = report.sources();
        JsonWriter json = new JsonWriter().beginObject()
                .name("directory").value(input.directory().toString())
                .name("owner").beginObject()
                .name("pid").value(owner.pid())
                .name("state").value(owner.state().text)
                .name("detail").value(owner.detail())
                .name("startTime").value(Instant.ofEpochMilli(header.startTime()).toString())
                .name("startTimeMs").value(header.startTime())
                .endObject()
                .name("heartbeatMs").value(header.heartbeat())
                .name("heartbeatAgeMs");
        if (report.heartbeatAge() == null) {
            json.value((String) null);
        } else {
            json.value(report.heartbeatAge().longValue());
        }
        json.name("backend").value(header.backend())
                .name("arena").beginObject()
                .name("path").value(input.arenaPath().toString())
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
                .name("ignoredEntries").value(listing.ignored().size())
                .endObject();
        kinfoJson(report.kinfo(), header, json);
        json.name("dumpable").value(smem.dumpable())
                .name("notDumpable").value(smem.problem())
                .name("sources").beginObject()
                .name("summary").value(report.sourcesText())
                .name("table").value(smem.state().text)
                .name("tableRegions").value(sources == null ? 0 : sources.tableRegions())
                .name("directoryUsed").value(sources != null && sources.directoryUnused() == null)
                .name("directoryUnused").value(sources == null ? listing.problem() : sources.directoryUnused())
                .name("onlyInDirectory").value(sources == null ? 0 : sources.onlyInDirectory())
                .endObject()
                .name("notes").beginArray();
        for (String note : report.notes()) {
            json.value(note);
        }
        json.endArray().name("regions").beginArray();
        for (ZoneResult result : report.results()) {
            json.beginObject()
                    .name("id").unsignedValue(Integer.toUnsignedLong(result.zone().id()))
                    .name("name").value(result.zone().name())
                    .name("address").value(Sizes.hex(result.zone().address()))
                    .name("size").unsignedValue(result.zone().size())
                    .name("source").value(result.source())
                    .name("listedBy").value(result.zone().listedBy().text())
                    .name("outcome").value(result.outcome().status().text)
                    .name("reason").value(result.outcome().reason())
                    .endObject();
        }
        return json.endArray()
                .name("table").value(smem.table() == null ? null : smem.table().describe())
                .endObject().toString();
    }
}
