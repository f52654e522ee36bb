package org.kmemdump.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LogRing;

/**
 * Times {@code log DIR -n 1000} on a full log ring (64 MiB by default) against the same on a full
 * 1 MiB ring (the default size), alternated, and prints the ratio of the medians: a reader of the
 * newest records need not walk the whole ring. Each directory is as a killed runtime would leave
 * it: an arena whose zone 7 is a ring that has wrapped, owner gone, no kinfo file (the zone
 * directory names the ring). Whole processes of the real collector jar.
 *
 * <pre>java -cp ... org.kmemdump.benchmarks.LogTailHarness kmemdump-collector.jar [runs] [MiB of the large ring]</pre>
 */
public final class LogTailHarness {
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "log: the last 1000 ";
    /** The ring the large one is measured against: the default log.ring.size. */
    static final long SMALL_RING = 1L << 20;

    private LogTailHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LogTailHarness <kmemdump-collector.jar> [runs, default 3] [MiB of the large ring, default 64]");
            System.exit(2);
        }
        Path collector = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long large = (args.length > 2 ? Long.parseLong(args[2]) : 64) << 20;
        Path work = Scratch.directory("kmemdump-log-bench");
        try {
            Path largeDirectory = Files.createDirectory(work.resolve("large"));
            Path smallDirectory = Files.createDirectory(work.resolve("small"));
            long records = makeDirectory(largeDirectory, large);
            long smallRecords = makeDirectory(smallDirectory, SMALL_RING);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<TimedCommand> largeTimes = new ArrayList<>();
            List<TimedCommand> smallTimes = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                smallTimes.add(log(java, collector, smallDirectory));
                largeTimes.add(log(java, collector, largeDirectory));
            }
            long largeMedian = TimedCommand.median(largeTimes, TimedCommand::wallMillis);
            long smallMedian = TimedCommand.median(smallTimes, TimedCommand::wallMillis);
            long largeCpu = TimedCommand.median(largeTimes, TimedCommand::cpuMillis);
            long smallCpu = TimedCommand.median(smallTimes, TimedCommand::cpuMillis);
            System.out.printf("log: %d MiB ring (%d records) %s ms wall, %s ms CPU; %d MiB ring (%d records) %s ms wall, %s ms CPU;"
                    + " load average %.1f%n", large >> 20, records, largeTimes.stream().map(TimedCommand::wallMillis).toList(),
                    largeTimes.stream().map(TimedCommand::cpuMillis).toList(), SMALL_RING >> 20, smallRecords,
                    smallTimes.stream().map(TimedCommand::wallMillis).toList(), smallTimes.stream().map(TimedCommand::cpuMillis).toList(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf(RESULT + "of a full %d MiB ring: median %d ms, %.2f x the %d MiB ring's %d ms (whole process, %d runs each);"
                    + " CPU %d against %d ms, %.2f x%n", large >> 20, largeMedian, (double) largeMedian / smallMedian, SMALL_RING >> 20,
                    smallMedian, runs, largeCpu, smallCpu, (double) largeCpu / Math.max(1, smallCpu));
        } finally {
            Scratch.delete(work);
        }
    }

    /** @return the collector's {@code log DIR -n 1000}, whole process */
    private static TimedCommand log(String java, Path collector, Path directory) throws IOException, InterruptedException {
        return TimedCommand.run(List.of(java, "-jar", collector.toString(), "log", directory.toString(), "-n", "1000"), 0);
    }

    /** @return how many records were appended (the ring wrapped once and a half) */
    private static long makeDirectory(Path directory, long ringSize) throws IOException {
        long length = ArenaFile.ZONES_START + ringSize;
        try (Arena arena = Arena.ofConfined(); FileChannel file = FileChannel.open(directory.resolve(ArenaFile.FILE_NAME),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment mapped = file.map(MapMode.READ_WRITE, 0, length, arena);
            // an owner that is gone: this pid, a start time it never had
            ArenaFile.create(mapped, ProcessHandle.current().pid(), 1, System.currentTimeMillis());
            MemorySegment zone = mapped.asSlice(ArenaFile.ZONES_START, ringSize);
            LogRing ring = LogRing.create(zone);
            long records = 0;
            while (ring.head() < ringSize + ringSize / 2) {
                ring.append(System.currentTimeMillis(), 42, LogRing.Level.INFO, "org.example.app",
                        "request " + records + " served in " + (records % 97) + " ms", records % 50 == 0 ? "java.io.IOException: peer reset" : "");
                records++;
            }
            ArenaFile.directory(mapped).set(KnownZones.LOG, KnownZones.LOG_NAME, zone.address(), zone.byteSize());
            mapped.force();
            return records;
        }
    }
}
