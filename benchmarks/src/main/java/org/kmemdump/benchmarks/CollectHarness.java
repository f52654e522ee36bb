package org.kmemdump.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;

/**
 * Times {@code collect} of about 1 GiB of arena zones against {@code cp} of the arena file, in the
 * same run, and prints the ratio: the collector should stay within a small factor of a plain copy.
 * The directory is made with the format writers, as a killed runtime would leave it: an arena of
 * {@value #REGIONS} zones of an eighth of the size each (128 MiB by default) filled with data (no
 * sparse pages), a minidump table listing them, and an owner that no longer exists. Both outputs
 * go to the same file system. Besides the wall times it prints each command's CPU time (user and
 * system, the kernel's copy included, as the shell's {@code times} reports its child), which a
 * shared machine's other load does not inflate.
 *
 * <p>The ratio holds a cost that does not grow with the bytes: the JVM's start, class loading and
 * the first native call. Each run also times {@code collect} of the same directory with zones of
 * {@value #SMALL_ZONE} bytes and the collector's {@code --help} (a JVM that starts, prints and
 * exits), and the harness prints the copy's own ratio, {@code collect} less that fixed cost
 * against {@code cp}, so a reader sees which of the two a change moved.
 *
 * <pre>java -cp ... org.kmemdump.benchmarks.CollectHarness kmemdump-collector.jar [runs] [MiB] [work-directory]</pre>
 */
public final class CollectHarness {
    static final int REGIONS = 8;
    /** The zones' size in the directory whose collection is the collector's fixed cost. */
    static final int SMALL_ZONE = 4096;
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "collect: ratio ";

    private CollectHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CollectHarness <kmemdump-collector.jar> [runs, default 3] [MiB of zones, a multiple of "
                    + REGIONS + ", default 1024] [work directory, default /dev/shm or tmp]");
            System.exit(2);
        }
        Path collector = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int mib = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        Path parent = args.length > 3 ? Path.of(args[3]) : null;
        if (mib < REGIONS || mib % REGIONS != 0) {
            System.err.println("CollectHarness: " + mib + " MiB of zones is not a positive multiple of " + REGIONS + " MiB");
            System.exit(2);
        }
        Path work = parent == null ? Scratch.directory("kmemdump-collect-bench") : Files.createTempDirectory(parent, "kmemdump-collect-bench");
        try {
            Path directory = Files.createDirectory(work.resolve("kmemdump"));
            long bytes = makeDirectory(directory, ((long) mib << 20) / REGIONS);
            Path small = Files.createDirectory(work.resolve("small"));
            makeDirectory(small, SMALL_ZONE);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<TimedCommand> copy = new ArrayList<>();
            List<TimedCommand> collect = new ArrayList<>();
            List<TimedCommand> fixed = new ArrayList<>();
            List<TimedCommand> help = new ArrayList<>();
            Path copied = work.resolve("copy");
            Path core = work.resolve("core.elf");
            Path smallCore = work.resolve("small.elf");
            // Each output is deleted right after its command, so that cp and collect each write into
            // memory just freed: on a VM, pages never touched or given back to the host cost cp or
            // collect several times the copy itself, whichever of the two meets them. Round 0 meets
            // them and is not counted.
            for (int run = 0; run <= runs; run++) {
                TimedCommand cpRun = TimedCommand.run(List.of("cp", directory.resolve(ArenaFile.FILE_NAME).toString(), copied.toString()), 0);
                Files.delete(copied);
                TimedCommand collectRun = collect(java, collector, directory, core);
                Files.delete(core);
                TimedCommand fixedRun = collect(java, collector, small, smallCore);
                Files.delete(smallCore);
                TimedCommand helpRun = TimedCommand.run(List.of(java, "-jar", collector.toString(), "--help"), 0);
                if (run > 0) {
                    copy.add(cpRun);
                    collect.add(collectRun);
                    fixed.add(fixedRun);
                    help.add(helpRun);
                }
            }
            System.out.printf("collect: %d MiB of zones in %s, %d runs, load average %.1f%n", bytes >> 20, work.getParent(), runs,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (Metric metric : Metric.values()) {
                System.out.printf("collect: %s: cp of the arena median %d ms %s, collect median %d ms %s, collect of %d KiB zones"
                        + " median %d ms %s, --help median %d ms %s%n", metric.label, metric.median(copy), metric.all(copy),
                        metric.median(collect), metric.all(collect), SMALL_ZONE >> 10, metric.median(fixed), metric.all(fixed),
                        metric.median(help), metric.all(help));
            }
            long cp = Metric.WALL.median(copy);
            long col = Metric.WALL.median(collect);
            long cpCpu = Metric.CPU.median(copy);
            long colCpu = Metric.CPU.median(collect);
            long fixedWall = Metric.WALL.median(fixed);
            System.out.printf(RESULT + "collect/cp %.2f x wall, %.2f x CPU (%.0f MiB/s collected); fixed cost %d ms (--help %d ms),"
                    + " the copy alone %.2f x wall, %.2f x CPU%n", (double) col / cp, (double) colCpu / Math.max(1, cpCpu),
                    (bytes >> 20) * 1000.0 / col, fixedWall, Metric.WALL.median(help), (double) (col - fixedWall) / cp,
                    (double) (colCpu - Metric.CPU.median(fixed)) / Math.max(1, cpCpu));
        } finally {
            Scratch.delete(work);
        }
    }

    private enum Metric {
        WALL("wall", TimedCommand::wallMillis), CPU("CPU, user+system", TimedCommand::cpuMillis);

        final String label;
        final ToLongFunction<TimedCommand> value;

        Metric(String label, ToLongFunction<TimedCommand> value) {
            this.label = label;
            this.value = value;
        }

        long median(List<TimedCommand> runs) {
            return TimedCommand.median(runs, value);
        }

        List<Long> all(List<TimedCommand> runs) {
            return runs.stream().map(value::applyAsLong).toList();
        }
    }

    private static TimedCommand collect(String java, Path collector, Path directory, Path output) throws IOException, InterruptedException {
        return TimedCommand.run(List.of(java, "-jar", collector.toString(), "collect", directory.toString(), "-o", output.toString(),
                "--no-progress"), 1); // 1: collected, some zone not whole
    }

    /** @return the bytes of zones the directory holds */
    private static long makeDirectory(Path directory, long regionSize) throws IOException {
        long arenaLength = ArenaFile.ZONES_START + REGIONS * regionSize;
        try (Arena arena = Arena.ofConfined();
                FileChannel arenaFile = FileChannel.open(directory.resolve(ArenaFile.FILE_NAME), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileChannel smemFile = FileChannel.open(directory.resolve(SmemFile.FILE_NAME), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment zones = arenaFile.map(MapMode.READ_WRITE, 0, arenaLength, arena);
            // an owner that is gone: pid of this process, a start time it never had
            ArenaFile.create(zones, ProcessHandle.current().pid(), 1, System.currentTimeMillis());
            MemorySegment smem = smemFile.map(MapMode.READ_WRITE, 0, SmemFile.LENGTH, arena);
            MinidumpTable table = SmemFile.create(smem);
            table.enableApss(SmemFile.regionsAddress(smem));
            for (int region = 0; region < REGIONS; region++) {
                long offset = ArenaFile.ZONES_START + region * regionSize;
                MemorySegment zone = zones.asSlice(offset, regionSize);
                for (long at = 0; at < regionSize; at += 8) {
                    zone.set(ValueLayout.JAVA_LONG_UNALIGNED, at, at * 0x9E3779B97F4A7C15L + region);
                }
                table.append("z" + region, 49 + region, zone.address(), regionSize);
            }
            zones.force();
        }
        return REGIONS * regionSize;
    }
}
