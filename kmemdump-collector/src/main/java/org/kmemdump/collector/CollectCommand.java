package org.kmemdump.collector;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.kmemdump.format.Elf64;
import org.kmemdump.format.SmemFile;

/** {@code collect DIR -o FILE}: the regions of a kmemdump directory as an ELF core (and md_*.BIN files). */
final class CollectCommand {
    private CollectCommand() {
    }

    static int run(CommandLine line, PrintStream out, PrintStream err) throws Failure {
        try (DumpInput input = DumpInput.open(line.directory())) {
            OwnerProcess owner = OwnerProcess.of(input.header());
            ZoneSources sources = ZoneSources.of(input, owner);
            refuseOverwriting(line.output(), input);
            ArenaSource arena = new ArenaSource(input.arenaFile(), input.header());
            try (ProcessMemory process = ProcessMemory.open(owner)) {
                List<PlannedZone> plan = PlannedZone.plan(sources.zones(), arena, process);
                Coreimage image = Coreimage.find(plan, input.header(), arena);
                Elf64.Machine machine = image.usable() ? null : hostMachine();
                BinFiles bins = line.bins() == null ? null : BinFiles.create(line.bins());
                Progress progress = Progress.create(line.progress(), readableBytes(plan), err);
                List<ZoneResult> results;
                long size;
                try (OutputFile core = OutputFile.create(line.output())) {
                    ZoneCopier copier = new ZoneCopier(core, bins, progress);
                    results = image.usable() ? CoreimageWriter.write(core, image, plan, copier)
                            : SynthesizedCore.write(core, plan, copier, input.header(), machine);
                    size = core.size();
                    core.commit();
                } finally {
                    progress.finish();
                }
                out.println("owner:   pid " + owner.pid() + ", " + owner.state().text + " (" + owner.detail() + ")");
                out.println("sources: " + ZoneTable.printable(sources.describeSources()));
                out.println("headers: " + (image.usable() ? "the runtime's coreimage" : "synthesized (" + image.problem() + ")"));
                ZoneTable.print(results, out);
                ZoneTable.printNotes(sources.notes(), out);
                long incomplete = ZoneTable.incomplete(results);
                out.println("wrote " + line.output() + ": " + size + " bytes, " + results.size() + " regions, "
                        + (results.size() - incomplete) + " ok" + (line.bins() == null ? "" : ", md_*.BIN in " + line.bins()));
                String problems = problems(sources, incomplete, results.size());
                if (problems != null) {
                    err.println(Collector.NAME + ": " + problems);
                    return ExitCode.INCOMPLETE;
                }
                return ExitCode.OK;
            }
        }
    }

    /**
     * @return the one line that says why a finished run is incomplete: a corrupt table that was
     *         ignored, regions lost or refused; {@code null} when nothing was
     */
    static String problems(ZoneSources sources, long incomplete, int regions) {
        String lost = incomplete == 0 ? null : incomplete + " of " + regions + " regions lost or refused (see the table)";
        if (sources.warning() == null) {
            return lost;
        }
        return sources.warning() + (lost == null ? "" : "; " + lost);
    }

    /** The collector runs on the dumped process's host, so the host is the machine the headers name. */
    private static Elf64.Machine hostMachine() throws Failure {
        try {
            return Elf64.Machine.host();
        } catch (IllegalStateException e) {
            throw Failure.output("cannot build ELF core headers: " + e.getMessage());
        }
    }

    /** Writing the core over the smem or arena file would destroy the evidence it is made from. */
    private static void refuseOverwriting(Path output, DumpInput input) throws Failure {
        for (Path in : new Path[] {input.directory().resolve(SmemFile.FILE_NAME), input.arenaPath()}) {
            try {
                if (Files.exists(output) && Files.isSameFile(output, in)) {
                    throw Failure.usage("-o " + output + " is the input file " + in);
                }
            } catch (IOException e) {
                // cannot compare: OutputFile reports what is wrong with the output
            }
        }
    }

    private static long readableBytes(List<PlannedZone> plan) {
        long total = 0;
        for (PlannedZone planned : plan) {
            if (planned.source() != null) {
                total = Long.MAX_VALUE - total < planned.zone().size() ? Long.MAX_VALUE : total + planned.zone().size();
            }
        }
        return total;
    }
}
