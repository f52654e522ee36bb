package org.kmemdump.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
 * Service, after a warm-up round of as many, and measures (a) the caller's time per log call and,
 * ring on, (b) the time until the ring has the last message, read from the arena file as a
 * collector reads it (polled every millisecond or so: a poll walks the ring). It prints the ratios
 * of (a).
 *
 * <p>The harness logs through the system bundle's {@code Logger}, by method handles: its class
 * loader does not share the Log API's classes with the framework. Felix Log's default level, WARN,
 * would drop {@code info} calls before they are entries, so the framework property
 * {@code org.osgi.service.log.admin.loglevel} is INFO.
 *
 * <pre>java -cp ... org.kmemdump.benchmarks.LogRingHarness benchmarks/target/bench-bundles [messages, default 100000] [rounds, default 5]</pre>
 */
public final class LogRingHarness {
    private static final String CORE_PID = "org.kmemdump.core";
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How the line with the result begins: build.sh's summary and the smoke test look for it. */
    static final String RESULT = "logring: ratio on/off per log call ";

    enum Mode {
        OFF("off"), LISTENER("off, a no-op listener"), ON("on");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** One timed round: nanoseconds spent in the log calls, and until the ring had the last message (-1: ring off). */
    record Round(long callNanos, long ringNanos) {
    }

    private LogRingHarness() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: LogRingHarness <bundle directory> [messages, default 100000] [rounds, default 5]");
            System.exit(2);
        }
        Path bundles = Path.of(args[0]).toAbsolutePath();
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        System.out.printf("logring: bundles from %s, %d rounds of %d messages (after a warm-up round), java %s%n",
                bundles, rounds, messages, Runtime.version());

        List<Round> off = run(bundles, Mode.OFF, messages, rounds);
        List<Round> listener = run(bundles, Mode.LISTENER, messages, rounds);
        List<Round> on = run(bundles, Mode.ON, messages, rounds);

        double offCall = perCall(off, messages);
        double listenerCall = perCall(listener, messages);
        double onCall = perCall(on, messages);
        double ringComplete = median(on.stream().map(Round::ringNanos).toList()) / 1e6;
        System.out.printf("logring: off: %.3f us per log call; off with a no-op listener: %.3f us (medians of %d rounds)%n",
                offCall, listenerCall, rounds);
        System.out.printf("logring: on:  %.3f us per log call; the ring had the last message %.1f ms after the last call, "
                + "%.1f ms after the first (medians)%n", onCall, median(on.stream().map(r -> r.ringNanos() - r.callNanos()).toList()) / 1e6,
                ringComplete);
        System.out.printf(RESULT + "%.2f x (%.3f vs %.3f us; on/no-op listener %.2f x; ring complete %.0f ms"
                + " after %d calls)%n", onCall / offCall, onCall, offCall, onCall / listenerCall, ringComplete, messages);
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
            if (mode == Mode.LISTENER) {
                addNoOpListener(context);
            }
            MethodHandle info = infoLogger(context);

            List<Round> timed = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                Round result = round(info, arena, ring, "round " + round + " message ", messages);
                if (round > 0) { // round 0 warms up
                    timed.add(result);
                }
            }
            System.out.printf("logring: ring %s: per log call %s us%n", mode.label,
                    timed.stream().map(r -> String.format("%.3f", r.callNanos() / 1e3 / messages)).toList());
            return timed;
        }
    }

    /** Logs {@code messages} messages from this thread; ring on, waits until the ring's newest record is the last of them. */
    private static Round round(MethodHandle info, Path arena, boolean ring, String prefix, int messages) throws Throwable {
        String last = prefix + (messages - 1);
        long start = System.nanoTime();
        for (int n = 0; n < messages; n++) {
            info.invokeExact(prefix + n);
        }
        long calls = System.nanoTime() - start;
        if (!ring) {
            return new Round(calls, -1);
        }
        while (!newestIs(arena, last)) {
            if (System.nanoTime() - start > PATIENCE_NANOS) {
                throw new IllegalStateException("the ring did not get '" + last + "' within 60 s");
            }
            Thread.sleep(1); // a walk is a copy of the ring: polling harder would take the writer's core
        }
        return new Round(calls, System.nanoTime() - start);
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

    /** Adds a LogListener that does nothing, made from the Log API of the bundle that provides the reader. */
    private static void addNoOpListener(BundleContext context) throws Exception {
        ServiceReference<?> reference = context.getServiceReference("org.osgi.service.log.LogReaderService");
        Bundle provider = reference.getBundle();
        Class<?> listenerType = provider.loadClass("org.osgi.service.log.LogListener");
        Object listener = Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "no-op listener";
                    default -> null; // logged
                });
        provider.loadClass("org.osgi.service.log.LogReaderService").getMethod("addLogListener", listenerType)
                .invoke(context.getService(reference), listener);
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

    private static boolean newestIs(Path arena, String message) throws IOException {
        return read(arena, (file, header) -> {
            ZoneDirectory.Entry zone = zone(file, ZoneIds.LOG).orElseThrow();
            List<LogRing.Entry> entries = LogRing.open(file.asSlice(header.offsetOf(zone.address()), zone.size()), "zone 7")
                    .walk().entries();
            return !entries.isEmpty() && entries.get(entries.size() - 1).message().equals(message);
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

    private static double perCall(List<Round> rounds, int messages) {
        return median(rounds.stream().map(Round::callNanos).toList()) / 1e3 / messages;
    }

    static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

}
