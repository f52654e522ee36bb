package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.THREADS;
import static org.kmemdump.format.KnownZones.THREADS_NAME;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.format.ThreadsSnapshot;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsSnapshot.Trigger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The threads zone (zone 8) and the watchdog: one daemon thread, {@value #THREAD_NAME}, rewrites
 * the snapshot every {@code threads.period} seconds and runs the {@link Watchdog} every
 * {@code watchdog.period}; what the watchdog finds is snapshotted at once, logged as an ERROR and,
 * with {@code watchdog.exit}, ends the JVM with status {@value #WATCHDOG_EXIT}. Configured in the
 * core's PID (a change restarts this component, not the registry).
 */
@Component(service = ThreadWatch.class, immediate = true, configurationPid = KmemdumpRuntime.PID)
public class ThreadWatch {
    static final double DEFAULT_PERIOD = 10;
    static final double DEFAULT_STALL = 30;
    /** The JVM's exit status when the watchdog ends it: EX_SOFTWARE, apart from the launcher's own. */
    static final int WATCHDOG_EXIT = 70;
    static final String THREAD_NAME = "kmemdump-threads";
    /** How long the ERROR gets to reach the log ring (the Log Service delivers on its own thread) before a halt. */
    static final long LOG_GRACE_MS = 500;

    /** Optional: without a Log Service the watchdog reports on stderr. */
    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Logger logger;

    private final KmemdumpRuntime runtime;
    private final Owner owner;
    private final ScheduledExecutorService timer;
    private ThreadsZoneWriter writer;
    private Watchdog watchdog;
    private PersistentZone persistent;
    private Arena volatileMemory;
    private String problem;

    @Activate
    public ThreadWatch(@Reference KmemdumpRuntime runtime, BundleContext context, KmemdumpRuntime.Config configured,
            Map<String, Object> properties) {
        this.runtime = runtime;
        KmemdumpRuntime.Config config = runtime.settings(configured, properties);
        owner = new Owner(context.getBundle().getBundleId(), context.getBundle().getSymbolicName());
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        openZone(config);
        long snapshotPeriod = nanos(config.threads_period());
        if (writer != null && snapshotPeriod > 0) {
            timer.scheduleWithFixedDelay(() -> writer.snapshot(Trigger.PERIODIC), 0, snapshotPeriod, TimeUnit.NANOSECONDS);
        }
        long watchdogPeriod = nanos(config.watchdog_period());
        if (watchdogPeriod > 0) {
            watchdog = new Watchdog(context, nanos(config.watchdog_stall()));
            watchdog.open();
            boolean exit = config.watchdog_exit();
            Watchdog checks = watchdog;
            timer.scheduleWithFixedDelay(() -> bite(checks, exit), watchdogPeriod, watchdogPeriod, TimeUnit.NANOSECONDS);
        }
    }

    /** @return seconds as nanoseconds; 0 for 0, a negative or a NaN (off) */
    private static long nanos(double seconds) {
        return seconds > 0 ? (long) Math.min(Long.MAX_VALUE, Math.ceil(seconds * 1e9)) : 0;
    }

    private void openZone(KmemdumpRuntime.Config config) {
        long size = config.threads_size();
        if (size == 0) {
            problem = "the threads zone is disabled: threads.size is 0 in PID " + KmemdumpRuntime.PID;
            return;
        }
        if (size < ThreadsSnapshot.MIN_ZONE_SIZE || size > config.arena_size()) {
            problem = "no threads zone: threads.size " + size + " must be between " + ThreadsSnapshot.MIN_ZONE_SIZE
                    + " and arena.size " + config.arena_size();
            runtime.warn(problem);
            return;
        }
        MemorySegment memory;
        try {
            try {
                persistent = runtime.allocate(THREADS, THREADS_NAME, size, false, owner, zone -> { });
                memory = persistent.memory();
            } catch (IllegalStateException noArena) { // the registry says why there is no arena; the zone lives in ordinary memory
                volatileMemory = Arena.ofShared();
                memory = volatileMemory.allocate(size, 8);
                runtime.table().register(THREADS, THREADS_NAME, memory, owner);
            }
        } catch (ZoneRegistrationException | RuntimeException e) {
            problem = "no threads zone: " + e.getMessage();
            runtime.warn(problem);
            return;
        }
        writer = new ThreadsZoneWriter(memory, config.threads_depth());
    }

    private void bite(Watchdog watchdog, boolean exit) {
        String finding = watchdog.check();
        if (finding == null) {
            return;
        }
        if (writer != null) {
            writer.snapshot(Trigger.WATCHDOG);
        }
        String message = "watchdog: " + finding + (exit ? "; ending the JVM with status " + WATCHDOG_EXIT : "");
        Logger log = logger;
        if (log != null) {
            log.error(message);
        } else {
            System.err.println("kmemdump: " + message);
        }
        if (exit) {
            try {
                Thread.sleep(LOG_GRACE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(WATCHDOG_EXIT);
        }
    }

    /**
     * Takes a snapshot now and writes it to the zone, if there is one.
     *
     * @return every live thread, also those the zone had no room for
     */
    Snapshot snapshotNow() {
        ThreadsZoneWriter zone = writer;
        Snapshot written = zone == null ? null : zone.snapshot(Trigger.ON_DEMAND);
        return written != null ? written : ThreadDump.take(Integer.MAX_VALUE, Trigger.ON_DEMAND);
    }

    /** @return why there is no threads zone, or {@code null} */
    String problem() {
        return problem;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        if (watchdog != null) {
            watchdog.close();
        }
        if (writer != null) {
            writer.close();
        }
        if (persistent != null) {
            persistent.close();
        }
        if (volatileMemory != null) {
            runtime.table().unregister(THREADS, owner);
            volatileMemory.close();
        }
    }
}
