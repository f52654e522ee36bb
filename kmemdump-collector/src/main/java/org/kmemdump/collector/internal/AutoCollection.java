package org.kmemdump.collector.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.kmemdump.collector.CrashCollection;
import org.kmemdump.collector.CrashFacts;
import org.kmemdump.collector.CrashListing;
import org.kmemdump.collector.CrashSummary;
import org.kmemdump.collector.Failure;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.directory.startup.AfterStartUp;
import org.kmemdump.format.CrashEntry;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Announces and collects, without a human, every entry of the crash store not collected yet: at
 * start, one WARN in the Log Service (so it is in the new run's log ring too) and one console line
 * per entry, then its core and summary ({@link CrashCollection}), one entry after the other. All of
 * it on a background thread that begins once the framework has started: neither the shell nor the
 * other bundles' start-up wait for it or share the CPU with it ({@link AfterStartUp}).
 *
 * <p>Configuration: {@code crashes.keep.raw} of PID {@value #PID}, the crash store's, described
 * there; a change applies to the next entry collected.
 */
@Component(service = {}, immediate = true, configurationPid = AutoCollection.PID)
public final class AutoCollection {
    static final String PID = "org.kmemdump.crashes";
    private static final long STOP_WAIT_MS = 10_000;

    @interface Config {
        boolean crashes_keep_raw() default false;
    }

    private final Logger logger;
    private final Thread worker;
    private volatile boolean keepRaw;

    private final AfterStartUp startUp;

    @Activate
    public AutoCollection(@Reference KmemdumpDirectory directory, @Reference(service = LoggerFactory.class) Logger logger, Config config,
            BundleContext context) {
        this.logger = logger;
        this.keepRaw = config.crashes_keep_raw();
        worker = Thread.ofPlatform().daemon().name("kmemdump-crash-collection").unstarted(() -> run(directory));
        worker.setPriority(Thread.MIN_PRIORITY);
        startUp = AfterStartUp.run(context, this::startWorker);
    }

    private synchronized void startWorker() {
        if (worker.getState() == Thread.State.NEW) {
            worker.start();
        }
    }

    @Modified
    void modified(Config config) {
        keepRaw = config.crashes_keep_raw();
    }

    /** Stops between or during collections: an interrupted one leaves no summary, so the next start collects it again. */
    @Deactivate
    void deactivate() throws InterruptedException {
        startUp.close();
        synchronized (this) {
            worker.interrupt();
            if (worker.getState() == Thread.State.NEW) {
                return;
            }
        }
        worker.join(STOP_WAIT_MS);
    }

    private void run(KmemdumpDirectory directory) {
        if (directory.problem().isPresent()) {
            return;
        }
        List<Path> pending;
        try {
            pending = pending(directory.path().resolve(CrashEntry.CRASHES));
        } catch (IOException e) {
            logger.error("cannot list the crash store in {}: {}", directory.path(), e.getMessage());
            return;
        }
        for (Path entry : pending) {
            String announcement = CrashFacts.read(entry).announcement();
            logger.warn(announcement);
            System.out.println(announcement);
        }
        for (Path entry : pending) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            long started = System.nanoTime();
            try {
                CrashSummary summary = CrashCollection.collect(entry, keepRaw);
                if (summary.collected() != null) {
                    logger.info("collected the crash entry {} in {} ms: {}", entry, (System.nanoTime() - started) / 1_000_000, summary.zones());
                } else {
                    logger.warn("could not collect the crash entry {}: {}; its files are kept", entry, summary.failure());
                }
            } catch (Failure | RuntimeException e) {
                logger.warn("could not collect the crash entry {}: {}; its files are kept, the next start tries again", entry, e.getMessage());
            }
        }
    }

    /** @return the entries without a summary, oldest first */
    private static List<Path> pending(Path crashes) throws IOException {
        return CrashListing.entries(crashes).stream().filter(entry -> !CrashSummary.collected(entry)).toList();
    }
}
