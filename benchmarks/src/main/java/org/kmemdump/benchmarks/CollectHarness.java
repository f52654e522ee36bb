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
 * <pre>java -cp ... org.kmemdump.benchmarks.CollectHarness kmemdump-collector.jar [runs] [MiB] [work-directory]</pre>
 */
public final class CollectHarness {
    static final int REGIONS = 8;
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
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<TimedCommand> copy = new ArrayList<>();
            List<TimedCommand> collect = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                copy.add(TimedCommand.run(List.of("cp", directory.resolve(ArenaFile.FILE_NAME).toString(), work.resolve("copy").toString()), 0));
                collect.add(TimedCommand.run(List.of(java, "-jar", collector.toString(), "collect", directory.toString(), "-o",
                        work.resolve("core.elf").toString(), "--no-progress"), 1)); // 1: collected, some zone not whole
                Files.delete(work.resolve("copy"));
                Files.delete(work.resolve("core.elf"));
            }
            long cp = TimedCommand.median(copy, TimedCommand::wallMillis);
            long col = TimedCommand.median(collect, TimedCommand::wallMillis);
            long cpCpu = TimedCommand.median(copy, TimedCommand::cpuMillis);
            long colCpu = TimedCommand.median(collect, TimedCommand::cpuMillis);
            System.out.printf("collect: %d MiB of zones in %s, %d runs, load average %.1f%n", bytes >> 20, work.getParent(), runs,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf("collect: cp of the arena median %d ms %s, collect median %d ms %s (wall)%n", cp,
                    copy.stream().map(TimedCommand::wallMillis).toList(), col, collect.stream().map(TimedCommand::wallMillis).toList());
            System.out.printf("collect: cp of the arena median %d ms %s, collect median %d ms %s (CPU, user+system)%n", cpCpu,
                    copy.stream().map(TimedCommand::cpuMillis).toList(), colCpu, collect.stream().map(TimedCommand::cpuMillis).toList());
            System.out.printf(RESULT + "collect/cp %.2f x wall, %.2f x CPU (%.0f MiB/s collected)%n", (double) col / cp,
                    (double) colCpu / Math.max(1, cpCpu), (bytes >> 20) * 1000.0 / col);
        } finally {
            Scratch.delete(work);
        }
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
