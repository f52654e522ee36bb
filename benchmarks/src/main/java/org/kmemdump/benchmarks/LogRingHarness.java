package org.kmemdump.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Hashtable;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import org.kmemdump.api.ZoneIds;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.ZoneDirectory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * What the log ring costs a thread that logs: starts a real Felix in this process, with the
 * reactor's bundles (SCR and its API bundles, ConfigAdmin, Felix Log, the Log API, the kmemdump API,
 * format and core), once with the ring off ({@code log.ring.size=0} in PID {@code org.kmemdump.core},
 * set through ConfigAdmin before the core starts), once off but with a Log listener that does
 * nothing (what any listener costs: Felix Log then queues every entry for its delivery thread), and
 * once on (the default, 1 MiB). Each time it logs N messages from one thread through the Log
 * Service, after a warm-up round of as many, and measures per log call (a) the caller's wall time,
 * (b) the caller's thread CPU time, and (c) the process's CPU time until every entry was delivered
 * (ring on: until the ring has the last message, read from the arena file as a collector reads it;
 * no-op listener: until it saw the last one), which includes the Log Service's delivery thread
 * and the ring's appends. The three modes are started in turn, a fresh framework each, several
 * times in a rotating order, so that a slow spell of a shared machine does not fall on one mode
 * alone. It prints the medians with their range and the ratios of the medians.
 *
 * <p>In the same run it times the ring's own append against a plain copy of as many bytes into
 * native memory ({@code MemorySegment.copy}), in thread CPU time, alternated: what the record
 * format (header, UTF-8 text, checksum) costs over moving the bytes.
 *
 * <p>The harness logs through the system bundle's {@code Logger}, by method handles: its class
 * loader does not share the Log API's classes with the framework. Felix Log's default level, WARN,
 * would drop {@code info} calls before they are entries, so the framework property
 * {@code org.osgi.service.log.admin.loglevel} is INFO.
 *
 * <pre>java -cp ... org.kmemdump.benchmarks.LogRingHarness benchmarks/target/bench-bundles [messages, default 100000] [rounds, default 3] [starts per mode, default 3]</pre>
 */
public final class LogRingHarness {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int NEWEST_LOOKED_AT = 100;
    private static final String CORE_PID = "org.kmemdump.core";
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "logring: ratio on/off per log call ";

    enum Mode {
        OFF("off"), LISTENER("off, no-op listener"), ON("on");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /**
     * One timed round, in nanoseconds: the log calls' wall time and the calling thread's CPU time,
     * and the process's CPU time until every entry was delivered.
     */
    record Round(long wall, long callerCpu, long processCpu) {
    }

    private LogRingHarness() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1 || args.length > 4) {
            System.err.println("usage: LogRingHarness <bundle directory> [messages, default 100000] [rounds, default 3]"
                    + " [starts per mode, default 3]");
            System.exit(2);
        }
        Path bundles = Path.of(args[0]).toAbsolutePath();
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int starts = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        System.out.printf("logring: bundles from %s, %d starts per mode of %d rounds of %d messages (after a warm-up round),"
                + " java %s, load average %.1f%n", bundles, starts, rounds, messages, Runtime.version(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        Map<Mode, List<Round>> timed = new EnumMap<>(Mode.class);
        Mode[] modes = Mode.values();
        for (int start = 0; start < starts; start++) {
            for (int i = 0; i < modes.length; i++) {
                Mode mode = modes[(start + i) % modes.length]; // rotated: each mode runs first, in the middle and last
                timed.computeIfAbsent(mode, m -> new ArrayList<>()).addAll(run(bundles, mode, messages, rounds));
            }
        }
        for (Mode mode : modes) {
            List<Round> all = timed.get(mode);
            System.out.printf("logring: ring %-22s per log call, median [min-max] of %d: wall %s us, caller CPU %s us,"
                    + " process CPU until delivered %s us%n", mode.label + ":", all.size(), spread(all, Round::wall, messages),
                    spread(all, Round::callerCpu, messages), spread(all, Round::processCpu, messages));
        }
        double wall = ratio(timed, Mode.ON, Mode.OFF, Round::wall);
        System.out.printf(RESULT + "%.2f x wall (%.3f vs %.3f us), caller CPU %.2f x, process CPU %.2f x;"
                + " on/no-op listener: wall %.2f x, process CPU %.2f x%n", wall, perCall(timed.get(Mode.ON), Round::wall, messages),
                perCall(timed.get(Mode.OFF), Round::wall, messages), ratio(timed, Mode.ON, Mode.OFF, Round::callerCpu),
                ratio(timed, Mode.ON, Mode.OFF, Round::processCpu), ratio(timed, Mode.ON, Mode.LISTENER, Round::wall),
                ratio(timed, Mode.ON, Mode.LISTENER, Round::processCpu));
        AppendCost.measure(messages, Math.max(5, rounds * starts));
    }

    private static List<Round> run(Path bundles, Mode mode, int messages, int rounds) throws Throwable {
        boolean ring = mode == Mode.ON;
        try (InProcessFelix felix = InProcessFelix.start(bundles, Map.of("org.osgi.service.log.admin.loglevel", "INFO"))) {
            List<String> beforeCore = new ArrayList<>(InProcessFelix.SERVICES);
            beforeCore.addAll(List.of("kmemdump-api", "kmemdump-format", "kmemdump-directory"));
            felix.startAll(beforeCore);
            BundleContext context = felix.context();
            if (!ring) {
                disableRing(context);
            }
            felix.startAll(List.of("kmemdump-core"));
            Path arena = felix.kmemdumpDirectory().resolve(ArenaFile.FILE_NAME);
            awaitZone(arena, ring ? ZoneIds.LOG : ZoneIds.BUNDLES);
            AtomicLong delivered = mode == Mode.LISTENER ? addCountingListener(context) : null;
            MethodHandle info = infoLogger(context);

            List<Round> timed = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                Round result = round(info, arena, ring, delivered, "round " + round + " message ", messages);
                if (round > 0) { // round 0 warms up
                    timed.add(result);
                }
            }
            return timed;
        }
    }

    /**
     * Logs {@code messages} messages from this thread, then waits until they were delivered: ring on,
     * until the ring's newest records hold the last of them; with the listener, until it counted them all.
     */
    private static Round round(MethodHandle info, Path arena, boolean ring, AtomicLong delivered, String prefix, int messages)
            throws Throwable {
        String last = prefix + (messages - 1);
        long deliveredBefore = delivered == null ? 0 : delivered.get();
        long processCpu = processCpu();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int n = 0; n < messages; n++) {
            info.invokeExact(prefix + n);
        }
        long wall = System.nanoTime() - start;
        long callerCpu = THREADS.getCurrentThreadCpuTime() - cpu;
        while (ring ? !inRing(arena, last) : delivered != null && delivered.get() - deliveredBefore < messages) {
            if (System.nanoTime() - start > PATIENCE_NANOS) {
                throw new IllegalStateException("'" + last + "' was not delivered within 60 s");
            }
            Thread.sleep(1);
        }
        return new Round(wall, callerCpu, processCpu() - processCpu);
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double perCall(List<Round> rounds, ToLongFunction<Round> metric, int messages) {
        return median(rounds.stream().map(metric::applyAsLong).toList()) / 1e3 / messages;
    }

    private static double ratio(Map<Mode, List<Round>> timed, Mode mode, Mode baseline, ToLongFunction<Round> metric) {
        return median(timed.get(mode).stream().map(metric::applyAsLong).toList())
                / median(timed.get(baseline).stream().map(metric::applyAsLong).toList());
    }

    /** @return {@code median [min-max]} per log call, in microseconds */
    private static String spread(List<Round> rounds, ToLongFunction<Round> metric, int messages) {
        LongSummaryStatistics range = rounds.stream().mapToLong(metric).summaryStatistics();
        return String.format("%.3f [%.3f-%.3f]", perCall(rounds, metric, messages), range.getMin() / 1e3 / messages,
                range.getMax() / 1e3 / messages);
    }

    /** @return the system bundle's {@code Logger.info(String)}, bound to its logger */
    private static MethodHandle infoLogger(BundleContext context) throws Exception {
        ServiceReference<?> reference = context.getServiceReference("org.osgi.service.log.LoggerFactory");
        if (reference == null) {
            throw new IllegalStateException("no LoggerFactory service: is Felix Log among the bundles?");
        }
        Bundle provider = reference.getBundle();
        Class<?> factoryType = provider.loadClass("org.osgi.service.log.LoggerFactory");
        Class<?> loggerType = provider.loadClass("org.osgi.service.log.Logger");
        Object logger = factoryType.getMethod("getLogger", String.class).invoke(context.getService(reference), "logring-bench");
        return MethodHandles.publicLookup().findVirtual(loggerType, "info", MethodType.methodType(void.class, String.class))
                .bindTo(logger);
    }

    /** Adds a LogListener that only counts the entries, made from the Log API of the bundle that provides the reader. */
    private static AtomicLong addCountingListener(BundleContext context) throws Exception {
        ServiceReference<?> reference = context.getServiceReference("org.osgi.service.log.LogReaderService");
        Bundle provider = reference.getBundle();
        Class<?> listenerType = provider.loadClass("org.osgi.service.log.LogListener");
        AtomicLong delivered = new AtomicLong();
        Object listener = Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "counting listener";
                    default -> {
                        delivered.incrementAndGet(); // logged
                        yield null;
                    }
                });
        provider.loadClass("org.osgi.service.log.LogReaderService").getMethod("addLogListener", listenerType)
                .invoke(context.getService(reference), listener);
        return delivered;
    }

    private static void disableRing(BundleContext context) throws Exception {
        ServiceReference<?> reference = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        if (reference == null) {
            throw new IllegalStateException("no ConfigurationAdmin service: is Felix ConfigAdmin among the bundles?");
        }
        Bundle provider = reference.getBundle();
        Object configuration = provider.loadClass("org.osgi.service.cm.ConfigurationAdmin")
                .getMethod("getConfiguration", String.class, String.class).invoke(context.getService(reference), CORE_PID, "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("log.ring.size", 0L);
        provider.loadClass("org.osgi.service.cm.Configuration").getMethod("update", java.util.Dictionary.class)
                .invoke(configuration, properties);
    }

    static void awaitZone(Path arena, int id) throws Exception {
        long start = System.nanoTime();
        while (read(arena, (file, header) -> zone(file, id).isPresent()) != Boolean.TRUE) {
            if (System.nanoTime() - start > PATIENCE_NANOS) {
                throw new IllegalStateException("no zone " + id + " in " + arena + " within 60 s: did the core start?");
            }
            Thread.sleep(10);
        }
    }

    /** @return whether {@code message} is among the ring's newest records (others may log after it: the framework, SCR) */
    private static boolean inRing(Path arena, String message) throws IOException {
        return read(arena, (file, header) -> {
            ZoneDirectory.Entry zone = zone(file, ZoneIds.LOG).orElseThrow();
            return LogRing.open(file.asSlice(header.offsetOf(zone.address()), zone.size()), "zone 7")
                    .newest(NEWEST_LOOKED_AT, LogRing.Present.ALL).entries().stream().anyMatch(entry -> entry.message().equals(message));
        }) == Boolean.TRUE;
    }

    static Optional<ZoneDirectory.Entry> zone(MemorySegment file, int id) {
        return ArenaFile.directory(file).validEntries().stream().filter(entry -> entry.id() == id).findFirst();
    }

    interface ArenaReader<T> {
        T read(MemorySegment file, ArenaFile.Header header);
    }

    /** @return what {@code reader} makes of the arena file, mapped read-only; null while there is no valid arena yet */
    static <T> T read(Path arena, ArenaReader<T> reader) throws IOException {
        if (!Files.exists(arena)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(arena, StandardOpenOption.READ); Arena mapping = Arena.ofConfined()) {
            MemorySegment file = channel.map(MapMode.READ_ONLY, 0, channel.size(), mapping);
            return reader.read(file, ArenaFile.read(file, channel.size(), arena.toString()));
        } catch (IllegalArgumentException notReady) {
            return null;
        }
    }

    static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

}
