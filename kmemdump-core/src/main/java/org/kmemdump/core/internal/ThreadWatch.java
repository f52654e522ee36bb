package org.kmemdump.core.internal;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.kmemdump.directory.startup.AfterStartUp;
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
 * When the threads zone (zone 8, which the runtime registers) is written, and the watchdog: one
 * daemon thread, {@value #THREAD_NAME}, rewrites the snapshot every {@code threads.period}
 * seconds and runs the {@link Watchdog} every {@code watchdog.period}; what the watchdog finds is
 * snapshotted at once, logged as an ERROR and, with {@code watchdog.exit}, ends the JVM with
 * status {@value #WATCHDOG_EXIT}. Configured in the core's PID (a change restarts this component,
 * not the registry; the zone's size is read when the runtime starts).
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
    private final ScheduledExecutorService timer;
    private final int depth;
    private final BundleContext context;
    private AfterStartUp startUp;
    private Watchdog watchdog;

    @Activate
    public ThreadWatch(@Reference KmemdumpRuntime runtime, BundleContext context, KmemdumpRuntime.Config configured,
            Map<String, Object> properties) {
        this.runtime = runtime;
        KmemdumpRuntime.Config config = runtime.settings(configured, properties);
        depth = config.threads_depth();
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(THREAD_NAME).factory());
        this.context = context;
        ThreadsZoneWriter writer = runtime.threads();
        long snapshotPeriod = nanos(config.threads_period());
        if (writer != null && snapshotPeriod > 0) {
            afterStartUp(() -> timer.scheduleWithFixedDelay(() -> writer.snapshot(Trigger.PERIODIC, depth), 0, snapshotPeriod,
                    TimeUnit.NANOSECONDS));
        }
        long watchdogPeriod = nanos(config.watchdog_period());
        if (watchdogPeriod > 0) {
            watchdog = new Watchdog(context, nanos(config.watchdog_stall()), runtime.watchdogProbes());
            watchdog.open();
            boolean exit = config.watchdog_exit();
            Watchdog checks = watchdog;
            timer.scheduleWithFixedDelay(() -> bite(checks, exit), watchdogPeriod, watchdogPeriod, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs {@code start} once the framework has finished starting: the first snapshot (the JVM's
     * management classes, a safepoint for the thread dump) would otherwise compete with the
     * framework's own start-up, which it has nothing to say about yet.
     */
    private void afterStartUp(Runnable start) {
        startUp = AfterStartUp.run(context, () -> {
            try {
                start.run();
            } catch (RejectedExecutionException deactivated) { // the framework started as this component stopped
            }
        });
    }

    /** @return seconds as nanoseconds; 0 for 0, a negative or a NaN (off) */
    private static long nanos(double seconds) {
        return seconds > 0 ? (long) Math.min(Long.MAX_VALUE, Math.ceil(seconds * 1e9)) : 0;
    }

    private void bite(Watchdog watchdog, boolean exit) {
        String finding = watchdog.check();
        if (finding == null) {
            return;
        }
        ThreadsZoneWriter writer = runtime.threads();
        if (writer != null) {
            writer.snapshot(Trigger.WATCHDOG, depth);
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
        ThreadsZoneWriter zone = runtime.threads();
        Snapshot written = zone == null ? null : zone.snapshot(Trigger.ON_DEMAND, depth);
        return written != null ? written : ThreadDump.take(Integer.MAX_VALUE, Trigger.ON_DEMAND);
    }

    /** @return why there is no threads zone, or {@code null} */
    String problem() {
        return runtime.threadsProblem();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (startUp != null) {
            startUp.close();
        }
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        if (watchdog != null) {
            watchdog.close();
        }
    }
}
