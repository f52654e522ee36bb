package org.kmemdump.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.Elf64;
import org.kmemdump.format.SmemFile;

/**
 * Collects a kmemdump directory into an ELF core (and, when asked, the firmware's
 * {@code md_<name>.BIN} files): the zones of the minidump table and of the arena's zone directory,
 * each from the arena file or the owner's memory, under the runtime's coreimage headers when they
 * describe exactly those zones, else under headers built here. The output files are owner-only
 * and replaced atomically.
 */
public final class CoreCollection {
    private CoreCollection() {
    }

    /**
     * @param directory the kmemdump directory (or one a restarted runtime moved aside)
     * @param core      the ELF core to write
     * @param bins      where to write one {@code md_<name>.BIN} per zone, or {@code null}
     * @throws Failure {@link Failure.Kind#INPUT} when the directory cannot be used or holds nothing
     *                 to collect, {@link Failure.Kind#OUTPUT} when an output cannot be written,
     *                 {@link Failure.Kind#ARGUMENT} when {@code core} is one of the input files
     */
    public static CollectReport collect(Path directory, Path core, Path bins, Progress progress) throws Failure {
        return collect(directory, core, bins, progress, false);
    }

    /**
     * As {@link #collect(Path, Path, Path, Progress)}, and with {@code includeSensitive} the bytes
     * of zones flagged sensitive too: only when an operator asks for them explicitly. Without it,
     * such a zone is listed ({@link Outcome#WITHHELD}) and its bytes are zeros or absent.
     */
    public static CollectReport collect(Path directory, Path core, Path bins, Progress progress, boolean includeSensitive)
            throws Failure {
        try (DumpInput input = DumpInput.open(directory)) {
            OwnerProcess owner = OwnerProcess.of(input.header());
            ZoneSources sources = ZoneSources.of(input, owner);
            refuseOverwriting(core, input);
            ArenaSource arena = new ArenaSource(input.arenaFile(), input.arenaChannel(), input.header(), input.extents());
            try (ProcessMemory process = ProcessMemory.open(owner, input.arenaOwner())) {
                List<PlannedZone> plan = PlannedZone.plan(sources.zones(), arena, process, includeSensitive);
                Coreimage image = Coreimage.find(plan, input.header(), arena);
                Elf64.Machine machine = image.usable() ? null : hostMachine();
                progress.start(readableBytes(plan));
                List<ZoneResult> results;
                long size;
                // every output under a temporary name until all are complete: a failed run leaves none of them
                try (BinFiles binFiles = bins == null ? null : BinFiles.create(bins); OutputFile file = OutputFile.create(core)) {
                    ZoneCopier copier = new ZoneCopier(file, binFiles, progress);
                    results = image.usable() ? CoreimageWriter.write(file, image, plan, copier)
                            : SynthesizedCore.write(file, plan, copier, input.header(), machine);
                    size = file.size();
                    file.finish();
                    file.publish();
                    if (binFiles != null) {
                        binFiles.publish();
                    }
                } finally {
                    progress.finish();
                }
                return new CollectReport(owner, sources.describeSources(),
                        image.usable() ? "the runtime's coreimage" : "synthesized (" + image.problem() + ")", results,
                        notes(sources, process), core, size, bins, sources.warning());
            }
        }
    }

    static List<String> notes(ZoneSources sources, ProcessMemory process) {
        if (process.notice() == null) {
            return sources.notes();
        }
        List<String> notes = new ArrayList<>(sources.notes());
        notes.add(process.notice());
        return List.copyOf(notes);
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
                    throw Failure.argument("-o " + output + " is the input file " + in);
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
