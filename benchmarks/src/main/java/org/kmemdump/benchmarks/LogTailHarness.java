package org.kmemdump.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LogRing;

/**
 * Times {@code log DIR -n 1000} on a full 64 MiB log ring, as a killed runtime would leave it: an
 * arena whose zone 7 is a ring that has wrapped, owner gone, no kinfo file (the zone directory
 * names the ring). Prints the median of a few runs of the real collector jar.
 *
 * <pre>java -cp ... org.kmemdump.benchmarks.LogTailHarness kmemdump-collector.jar [runs]</pre>
 */
public final class LogTailHarness {
    static final long RING = 64L << 20;

    private LogTailHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LogTailHarness <kmemdump-collector.jar> [runs, default 3]");
            System.exit(2);
        }
        Path collector = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Scratch.directory("kmemdump-log-bench");
        try {
            Path directory = Files.createDirectory(work.resolve("kmemdump"));
            long records = makeDirectory(directory);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Long> times = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                long start = System.nanoTime();
                Process process = new ProcessBuilder(java, "-jar", collector.toString(), "log", directory.toString(), "-n", "1000")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException("log failed or took more than 5 minutes");
                }
                times.add((System.nanoTime() - start) / 1_000_000);
            }
            System.out.printf("log: the last 1000 of %d records in a full %d MiB ring: median %d ms %s (whole process)%n",
                    records, RING >> 20, times.stream().sorted().toList().get(times.size() / 2), times);
        } finally {
            Scratch.delete(work);
        }
    }

    /** @return how many records were appended (the ring wrapped once and a half) */
    private static long makeDirectory(Path directory) throws IOException {
        long length = ArenaFile.ZONES_START + RING;
        try (Arena arena = Arena.ofConfined(); FileChannel file = FileChannel.open(directory.resolve(ArenaFile.FILE_NAME),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment mapped = file.map(MapMode.READ_WRITE, 0, length, arena);
            // an owner that is gone: this pid, a start time it never had
            ArenaFile.create(mapped, ProcessHandle.current().pid(), 1, System.currentTimeMillis());
            MemorySegment zone = mapped.asSlice(ArenaFile.ZONES_START, RING);
            LogRing ring = LogRing.create(zone);
            long records = 0;
            while (ring.head() < RING + RING / 2) {
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
