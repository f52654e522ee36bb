package org.kmemdump.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import org.kmemdump.format.LogRing;

/**
 * The log ring's own append against a plain copy of as many bytes, in the calling thread's CPU
 * time (a shared machine's other load does not count), alternated round by round: the records are
 * those {@link LogRingHarness} logs (the system bundle's name, "round R message N"), appended to a
 * ring of the default 1 MiB in native memory, wrapping; the copy moves a record's length of bytes
 * into the next place of a buffer of that size. Also prints the bytes allocated per append.
 */
final class AppendCost {
    /** How the line with the result begins. */
    static final String RESULT = "logring: ratio ring append/plain copy ";
    private static final long RING_BYTES = 1 << 20;
    private static final String BUNDLE = "org.apache.felix.framework";
    private static final int WARM_UP_ROUNDS = 3;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AppendCost() {
    }

    static void measure(int records, int rounds) {
        String[] messages = new String[records];
        for (int n = 0; n < records; n++) {
            messages[n] = "round 1 message " + n;
        }
        try (Arena arena = Arena.ofConfined()) {
            LogRing ring = LogRing.create(arena.allocate(RING_BYTES, 8));
            long before = ring.head();
            ring.append(42_000L, 0, LogRing.Level.INFO, BUNDLE, messages[records - 1], "");
            long recordBytes = ring.head() - before;
            MemorySegment source = arena.allocate(recordBytes, 8).fill((byte) 'x');
            MemorySegment target = arena.allocate(RING_BYTES, 8);
            List<Long> append = new ArrayList<>();
            List<Long> copy = new ArrayList<>();
            long allocated = 0;
            for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
                long bytes = THREADS.getCurrentThreadAllocatedBytes();
                long cpu = THREADS.getCurrentThreadCpuTime();
                appendAll(ring, messages);
                long appendCpu = THREADS.getCurrentThreadCpuTime() - cpu;
                long appendBytes = THREADS.getCurrentThreadAllocatedBytes() - bytes;
                cpu = THREADS.getCurrentThreadCpuTime();
                copyAll(source, target, records);
                long copyCpu = THREADS.getCurrentThreadCpuTime() - cpu;
                if (round >= WARM_UP_ROUNDS) {
                    append.add(appendCpu);
                    copy.add(copyCpu);
                    allocated += appendBytes;
                }
            }
            double appendNanos = LogRingHarness.median(append) / records;
            double copyNanos = LogRingHarness.median(copy) / records;
            System.out.printf("logring: ring append of a %d-byte record, thread CPU per record, median [min-max] of %d rounds"
                    + " of %d: %.1f [%.1f-%.1f] ns, %.2f bytes allocated; plain copy of as many bytes %.1f [%.1f-%.1f] ns%n",
                    recordBytes, rounds, records, appendNanos, min(append) / records, max(append) / records,
                    (double) allocated / rounds / records, copyNanos, min(copy) / records, max(copy) / records);
            System.out.printf(RESULT + "%.1f x (%.1f vs %.1f ns per %d-byte record)%n", appendNanos / copyNanos, appendNanos,
                    copyNanos, recordBytes);
        }
    }

    /** In a method of its own, as is {@link #copyAll}: each is compiled whole, not entered half-way by on-stack replacement. */
    private static void appendAll(LogRing ring, String[] messages) {
        for (int n = 0; n < messages.length; n++) {
            ring.append(42_000L + n, 0, LogRing.Level.INFO, BUNDLE, messages[n], "");
        }
    }

    private static void copyAll(MemorySegment source, MemorySegment target, int records) {
        long recordBytes = source.byteSize();
        for (long n = 0, at = 0; n < records; n++, at = at + 2 * recordBytes > RING_BYTES ? 0 : at + recordBytes) {
            MemorySegment.copy(source, 0, target, at, recordBytes);
        }
    }

    private static double min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    private static double max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElseThrow();
    }
}
