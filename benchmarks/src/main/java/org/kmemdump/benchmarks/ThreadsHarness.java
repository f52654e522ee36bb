package org.kmemdump.benchmarks;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kmemdump.api.ZoneIds;
import org.kmemdump.format.ThreadsSnapshot;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ZoneDirectory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * What the threads zone costs: starts a real Felix in this process with the reactor's bundles (as
 * {@link LogRingHarness} does) and the core configured through ConfigAdmin before it starts.
 *
 * <p>(1) The time of one snapshot with 50, 500 and 5,000 threads: that many extra threads, each
 * parked 20 frames deep, then snapshots every 100 ms; each snapshot's own {@code took} (the thread
 * dump and its conversion, as the runtime measured it) is read from the arena file as a collector
 * reads it, and the write into the zone is timed here by writing the read-back snapshot into a
 * zone of the default size. (2) The CPU of the idle runtime over a period, with the default
 * snapshot and watchdog periods against both off: the CPU time of the writer thread
 * {@code kmemdump-threads} itself (exact), and of the whole process (includes the JVM's own idle
 * work, so it is noisy).
 *
 * <pre>java -cp ... org.kmemdump.benchmarks.ThreadsHarness benchmarks/target/bench-bundles [idle seconds, default 300] [thread counts, default 50,500,5000]</pre>
 */
public final class ThreadsHarness {
    private static final String CORE_PID = "org.kmemdump.core";
    private static final String WRITER = "kmemdump-threads";
    private static final int SNAPSHOTS = 7;
    private static final int DEPTH = 20;
    private static final long ZONE_SIZE = 8L << 20;
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(120);
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "threads: ";

    private ThreadsHarness() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: ThreadsHarness <bundle directory> [idle seconds, default 300] [thread counts, default 50,500,5000]");
            System.exit(2);
        }
        Path bundles = Path.of(args[0]).toAbsolutePath();
        long idleSeconds = args.length > 1 ? Long.parseLong(args[1]) : 300;
        List<Integer> counts = (args.length > 2 ? List.of(args[2].split(",")) : List.of("50", "500", "5000")).stream()
                .map(Integer::valueOf).toList();
        System.out.printf("threads: bundles from %s, %d snapshots per count, idle %d s, java %s%n", bundles, SNAPSHOTS, idleSeconds,
                Runtime.version());
        List<String> times = new ArrayList<>();
        for (int count : counts) {
            times.add(count + ": " + snapshotTime(bundles, count));
        }
        IdleCpu on = idleCpu(bundles, idleSeconds, true);
        IdleCpu off = idleCpu(bundles, idleSeconds, false);
        System.out.printf(RESULT + "one snapshot (take + write, median [min-max] ms) %s; idle CPU %.4f %% of a core with the "
                + "defaults vs %.4f %% off (writer thread alone %.4f %%, over %d s)%n", String.join(", ", times), on.process(),
                off.process(), on.writer(), idleSeconds);
    }

    /** CPU over an idle period, in % of one core: the whole process's, and the writer thread's. */
    record IdleCpu(double process, double writer) {
    }

    /** @return median [min-max] ms of take + write, over {@value #SNAPSHOTS} snapshots with {@code count} extra threads */
    private static String snapshotTime(Path bundles, int count) throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch parked = new CountDownLatch(count);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            threads.add(Thread.ofPlatform().daemon().name("bench-parked-" + i).start(() -> park(DEPTH, parked, release)));
        }
        parked.await();
        try (InProcessFelix felix = start(bundles, Map.of("threads.period", 0.1, "watchdog.period", 0.0));
                Arena memory = Arena.ofConfined()) {
            Path arena = felix.kmemdumpDirectory().resolve(org.kmemdump.format.ArenaFile.FILE_NAME);
            LogRingHarness.awaitZone(arena, ZoneIds.THREADS);
            ThreadsSnapshot scratch = ThreadsSnapshot.create(memory.allocate(ZONE_SIZE, 8));
            List<Long> totals = new ArrayList<>();
            long seen = 0;
            long start = System.nanoTime();
            while (totals.size() < SNAPSHOTS) {
                Snapshot snapshot = newest(arena);
                if (snapshot != null && snapshot.sequence() > seen && snapshot.threads().size() + snapshot.threadsOmitted() >= count) {
                    seen = snapshot.sequence();
                    long before = System.nanoTime();
                    scratch.write(snapshot);
                    totals.add(snapshot.tookNanos() + System.nanoTime() - before);
                    if (totals.size() == 1) {
                        System.out.printf("threads: %d threads: %d in the zone, %d left out (no room)%n", count,
                                snapshot.threads().size(), snapshot.threadsOmitted());
                    }
                }
                if (System.nanoTime() - start > PATIENCE_NANOS) {
                    throw new IllegalStateException("no " + SNAPSHOTS + " snapshots of " + count + " threads within 120 s");
                }
                Thread.sleep(20);
            }
            List<Long> sorted = totals.stream().sorted().toList();
            String result = String.format("%.2f [%.2f-%.2f]", LogRingHarness.median(totals) / 1e6, sorted.get(0) / 1e6,
                    sorted.get(sorted.size() - 1) / 1e6);
            System.out.printf("threads: %d threads: one snapshot %s ms%n", count, result);
            return result;
        } finally {
            release.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private static void park(int depth, CountDownLatch parked, CountDownLatch release) {
        if (depth > 0) {
            park(depth - 1, parked, release);
            return;
        }
        parked.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static IdleCpu idleCpu(Path bundles, long seconds, boolean defaults) throws Throwable {
        Map<String, Object> config = defaults ? Map.of() : Map.of("threads.period", 0.0, "watchdog.period", 0.0);
        try (InProcessFelix felix = start(bundles, config)) {
            LogRingHarness.awaitZone(felix.kmemdumpDirectory().resolve(org.kmemdump.format.ArenaFile.FILE_NAME), ZoneIds.THREADS);
            Thread.sleep(1000); // start-up settles
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long writer = writerThreadId(threads);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            long writerBefore = writerCpu(threads, writer);
            long start = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            long elapsed = System.nanoTime() - start;
            double process = 100.0 * (os.getProcessCpuTime() - cpuBefore) / elapsed;
            double writerPercent = 100.0 * (writerCpu(threads, writer) - writerBefore) / elapsed;
            System.out.printf("threads: idle %d s, %s: process %.4f %% of a core, %s thread %.4f %%%n", seconds,
                    defaults ? "default periods" : "snapshots and watchdog off", process, WRITER, writerPercent);
            return new IdleCpu(process, writerPercent);
        }
    }

    /** @return the writer thread's id, or -1 when there is none: with both periods 0 it is never started */
    private static long writerThreadId(ThreadMXBean threads) {
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            if (info != null && info.getThreadName().equals(WRITER)) {
                return id;
            }
        }
        return -1;
    }

    private static long writerCpu(ThreadMXBean threads, long writer) {
        return writer < 0 ? 0 : Math.max(0, threads.getThreadCpuTime(writer));
    }

    private static InProcessFelix start(Path bundles, Map<String, Object> core) throws Throwable {
        InProcessFelix felix = InProcessFelix.start(bundles, Map.of());
        List<String> beforeCore = new ArrayList<>(InProcessFelix.SERVICES);
        beforeCore.addAll(List.of("kmemdump-api", "kmemdump-format", "kmemdump-directory"));
        felix.startAll(beforeCore);
        if (!core.isEmpty()) {
            configure(felix.context(), core);
        }
        felix.startAll(List.of("kmemdump-core"));
        return felix;
    }

    private static void configure(BundleContext context, Map<String, Object> values) throws Exception {
        ServiceReference<?> reference = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        Bundle provider = reference.getBundle();
        Object configuration = provider.loadClass("org.osgi.service.cm.ConfigurationAdmin")
                .getMethod("getConfiguration", String.class, String.class).invoke(context.getService(reference), CORE_PID, "?");
        provider.loadClass("org.osgi.service.cm.Configuration").getMethod("update", Dictionary.class)
                .invoke(configuration, new Hashtable<>(values));
    }

    private static Snapshot newest(Path arena) throws Exception {
        return LogRingHarness.read(arena, (file, header) -> {
            ZoneDirectory.Entry zone = LogRingHarness.zone(file, ZoneIds.THREADS).orElseThrow();
            return ThreadsSnapshot.open(file.asSlice(header.offsetOf(zone.address()), zone.size()), "zone 8").newest();
        });
    }
}
