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
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
 * snapshot and watchdog periods against both off: of the whole process (from the JVM, checked
 * against {@code /proc/self/stat}), split into the JVM's own threads and the Java threads (the
 * busiest named), and of the runtime's own threads. The writer thread alone is not the cost: a
 * thread dump and the watchdog's deadlock search are VM operations, run by the JVM's VM thread at
 * a safepoint, and the probe's refresh runs on the framework's threads; the process's figure
 * against the one with both off is. Each run checks that the writer thread exists (or not) as
 * configured, so a missing thread cannot pass for a zero; over a period shorter than
 * {@code threads.period} no periodic snapshot falls in the window, hence the count printed.
 *
 * <pre>java -cp ... org.kmemdump.benchmarks.ThreadsHarness benchmarks/target/bench-bundles [idle seconds, default 300] [thread counts, default 50,500,5000]</pre>
 */
public final class ThreadsHarness {
    private static final String CORE_PID = "org.kmemdump.core";
    private static final String WRITER = "kmemdump-threads";
    /** How the names of the runtime's own threads begin (the writer, the heartbeat, the components zone's). */
    private static final String RUNTIME_THREADS = "kmemdump";
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
                + "defaults vs %.4f %% off (the runtime's threads %.4f %% vs %.4f %%, the writer thread alone %.4f %%, over %d s)%n",
                String.join(", ", times), on.process(), off.process(), on.runtime(), off.runtime(), on.writer(), idleSeconds);
    }

    /** CPU over an idle period, in % of one core: the whole process's, the runtime's own threads', and the writer thread's. */
    record IdleCpu(double process, double runtime, double writer) {
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
            List<Long> takes = new ArrayList<>();
            long seen = 0;
            long start = System.nanoTime();
            while (totals.size() < SNAPSHOTS) {
                Snapshot snapshot = newest(arena);
                if (snapshot != null && snapshot.sequence() > seen && snapshot.threads().size() + snapshot.threadsOmitted() >= count) {
                    seen = snapshot.sequence();
                    long before = System.nanoTime();
                    scratch.write(snapshot);
                    totals.add(snapshot.tookNanos() + System.nanoTime() - before);
                    takes.add(snapshot.tookNanos());
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
            System.out.printf("threads: %d threads: one snapshot %s ms (the take alone: median %.2f ms)%n", count, result,
                    LogRingHarness.median(takes) / 1e6);
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
            Path arena = felix.kmemdumpDirectory().resolve(org.kmemdump.format.ArenaFile.FILE_NAME);
            LogRingHarness.awaitZone(arena, ZoneIds.THREADS);
            Thread.sleep(1000); // start-up settles
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, String> runtimeThreads = runtimeThreads();
            if (defaults != runtimeThreads.containsValue(WRITER)) {
                throw new IllegalStateException("the writer thread " + WRITER + (defaults ? " is not running" : " runs with both periods 0")
                        + "; the runtime's threads: " + runtimeThreads.values());
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long processBefore = os.getProcessCpuTime();
            long statBefore = procStatCpuTicks();
            Map<Long, Long> before = javaThreadsCpu(threads);
            Snapshot first = newest(arena);
            long start = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            long elapsed = System.nanoTime() - start;
            long processNanos = os.getProcessCpuTime() - processBefore;
            double process = 100.0 * processNanos / elapsed;
            // the kernel's own account (utime + stime in clock ticks of 10 ms), to check the JVM's figure against
            double stat = 100.0 * (procStatCpuTicks() - statBefore) * 10_000_000L / elapsed;
            Map<Long, Long> after = javaThreadsCpu(threads);
            Map<String, Long> spent = new TreeMap<>();
            long javaNanos = 0;
            for (Map.Entry<Long, Long> thread : after.entrySet()) {
                long delta = thread.getValue() - before.getOrDefault(thread.getKey(), 0L); // a thread started since counts from 0
                javaNanos += delta;
                var info = threads.getThreadInfo(thread.getKey());
                String name = info == null ? "#" + thread.getKey() : info.getThreadName();
                spent.merge(name, delta, Long::sum);
            }
            long runtimeNanos = 0;
            long writerNanos = 0;
            for (String name : runtimeThreads.values()) {
                runtimeNanos += spent.getOrDefault(name, 0L);
                writerNanos += name.equals(WRITER) ? spent.getOrDefault(name, 0L) : 0;
            }
            String busiest = spent.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                    .map(e -> String.format("%s %.4f %%", e.getKey(), 100.0 * e.getValue() / elapsed)).collect(Collectors.joining(", "));
            Snapshot last = newest(arena);
            long written = last == null ? 0 : last.sequence() - (first == null ? 0 : first.sequence());
            System.out.printf("threads: idle %d s, %s: process %.4f %% of a core (/proc/self/stat %.4f %%): the JVM's own threads"
                    + " (VM operations such as the thread dump's safepoint, GC, JIT) %.4f %%, Java threads %.4f %% (busiest: %s);"
                    + " the runtime's threads %s %.4f %%, %s alone %.4f %%; %d snapshots written%n", seconds,
                    defaults ? "default periods" : "snapshots and watchdog off", process, stat,
                    100.0 * (processNanos - javaNanos) / elapsed, 100.0 * javaNanos / elapsed, busiest,
                    runtimeThreads.values(), 100.0 * runtimeNanos / elapsed, WRITER, 100.0 * writerNanos / elapsed, written);
            return new IdleCpu(process, 100.0 * runtimeNanos / elapsed, 100.0 * writerNanos / elapsed);
        }
    }

    /**
     * @return the runtime's own threads ({@value #RUNTIME_THREADS}*) by id: only the live ones, so a
     *         thread left by an earlier framework in this process is never taken for this one's
     */
    private static Map<Long, String> runtimeThreads() {
        Map<Long, String> found = new TreeMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith(RUNTIME_THREADS)) {
                found.put(thread.threadId(), thread.getName());
            }
        }
        return found;
    }

    /** @return utime + stime of this process from /proc/self/stat, in clock ticks (USER_HZ, 100 on Linux) */
    private static long procStatCpuTicks() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15, counted after the command
    }

    /** @return the CPU time of every live Java thread of this process, by id; the JVM's own threads (VM, GC, JIT) are not Java threads */
    private static Map<Long, Long> javaThreadsCpu(ThreadMXBean threads) {
        Map<Long, Long> cpu = new TreeMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos >= 0) { // -1: it ended meanwhile
                cpu.put(id, nanos);
            }
        }
        return cpu;
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
