package org.kmemdump.collector;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.ArenaFile;

/**
 * {@code inspect DIR [--json]}: who owns the directory and in what state, and for every region
 * where its bytes are and whether they can be read now. Reads a byte or two per region, never a
 * whole one.
 */
final class InspectCommand {
    private InspectCommand() {
    }

    static int run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        try (DumpInput input = DumpInput.open(line.directory())) {
            ArenaFile.Header header = input.header();
            OwnerProcess owner = OwnerProcess.of(header);
            ArenaSource arena = new ArenaSource(input.arenaFile(), header);
            List<RegionResult> results = new ArrayList<>();
            try (ProcessMemory process = ProcessMemory.open(owner)) {
                for (PlannedRegion planned : PlannedRegion.plan(input.regions(), arena, process)) {
                    String problem = planned.source() == null ? null : planned.source().probe(planned.region());
                    Outcome outcome = planned.source() == null ? planned.unavailable()
                            : problem == null ? Outcome.OK : Outcome.lost(problem);
                    results.add(RegionResult.of(planned, outcome));
                }
            }
            Long heartbeatAge = header.heartbeat() > 0 ? System.currentTimeMillis() - header.heartbeat() : null;
            if (line.json()) {
                out.println(json(input, owner, heartbeatAge, results));
            } else {
                text(input, owner, heartbeatAge, results, out);
            }
            if (input.smem().notDumpable() != null) {
                err.println(Collector.NAME + ": " + CollectCommand.notDumpable(input, owner));
                return ExitCode.BAD_INPUT;
            }
            return RegionTable.incomplete(results) > 0 ? ExitCode.INCOMPLETE : ExitCode.OK;
        }
    }

    private static void text(DumpInput input, OwnerProcess owner, Long heartbeatAge, List<RegionResult> results, PrintStream out) {
        ArenaFile.Header header = input.header();
        out.println("directory: " + input.directory());
        out.println("owner:     pid " + owner.pid() + ", " + owner.state().text + " (" + owner.detail() + ")");
        out.println("started:   " + Instant.ofEpochMilli(header.startTime()));
        out.println("heartbeat: " + (heartbeatAge == null ? "never written" : heartbeatAge < 0
                ? "in the future by " + -heartbeatAge + " ms (clock changed?)" : heartbeatAge + " ms ago"));
        out.println("backend:   " + RegionTable.printable(header.backend()));
        out.println("arena:     " + input.arenaPath() + ", " + Sizes.human(header.length()) + ", mapped by the owner at "
                + Sizes.hex(header.baseAddress()));
        out.println("coreimage: ELF zone at " + Sizes.hex(header.elfAddress()) + " (" + header.elfSize() + " bytes), VMCOREINFO zone at "
                + Sizes.hex(header.vmcoreinfoAddress()) + " (" + header.vmcoreinfoSize() + " bytes)");
        out.println("table:     " + (input.smem().notDumpable() == null ? "dumpable" : "not dumpable: " + input.smem().notDumpable()));
        out.println();
        RegionTable.print(results, out);
        out.println();
        out.println("minidump table as stored:");
        input.smem().table().describe().lines().map(RegionTable::printable).forEach(out::println);
    }

    private static String json(DumpInput input, OwnerProcess owner, Long heartbeatAge, List<RegionResult> results) {
        ArenaFile.Header header = input.header();
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
        if (heartbeatAge == null) {
            json.value((String) null);
        } else {
            json.value(heartbeatAge.longValue());
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
                .name("dumpable").value(input.smem().notDumpable() == null)
                .name("notDumpable").value(input.smem().notDumpable())
                .name("regions").beginArray();
        for (RegionResult result : results) {
            json.beginObject()
                    .name("id").unsignedValue(Integer.toUnsignedLong(result.region().seqNum()))
                    .name("name").value(result.region().name())
                    .name("address").value(Sizes.hex(result.region().address()))
                    .name("size").unsignedValue(result.region().size())
                    .name("source").value(result.source())
                    .name("outcome").value(result.outcome().status().text)
                    .name("reason").value(result.outcome().reason())
                    .endObject();
        }
        return json.endArray()
                .name("table").value(input.smem().table().describe())
                .endObject().toString();
    }
}
