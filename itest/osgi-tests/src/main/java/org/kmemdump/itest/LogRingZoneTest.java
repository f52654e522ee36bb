package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.LogRing.Level;
import org.kmemdump.format.ZoneDirectory;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Every OSGi Log Service entry reaches the log ring, zone 7, read back the way a collector reads it
 * after a crash: from the arena file, found through the arena's zone directory.
 */
class LogRingZoneTest extends InFramework {
    @InjectService
    LoggerFactory loggers;
    @InjectService
    LoggerAdmin loggerAdmin;

    /** Tells this test's records from those of earlier tests and runs. */
    private final String run = "run-" + System.nanoTime();
    private Fixture fixture;
    private LoggerContext levels;

    /** A failure of a class of this bundle: Felix Log hands it to listeners wrapped, under its own class name. */
    static final class KnownFailure extends Exception {
        private static final long serialVersionUID = 1L;

        KnownFailure(String message) {
            super(message);
        }
    }

    @BeforeEach
    void everyLevel() {
        fixture = new Fixture(context, configurationAdmin);
        levels = loggerAdmin.getLoggerContext(context.getBundle().getSymbolicName());
        levels.setLogLevels(Map.of(Logger.ROOT_LOGGER_NAME, LogLevel.TRACE)); // the default, WARN, would drop info and below
    }

    @AfterEach
    void defaultLevels() {
        levels.clear();
    }

    /** @return the log ring's zone in the arena's directory, if there is one */
    private Optional<ZoneDirectory.Entry> ringZone() throws IOException {
        return fixture.readArena((mapped, header) -> ArenaFile.directory(mapped).validEntries().stream()
                .filter(zone -> zone.id() == ZoneIds.LOG).findFirst());
    }

    /** @return the ring, walked in the arena file */
    private LogRing.Walk ring() {
        try {
            return fixture.readArena((mapped, header) -> {
                ZoneDirectory.Entry zone = ArenaFile.directory(mapped).validEntries().stream().filter(z -> z.id() == ZoneIds.LOG)
                        .findFirst().orElseThrow(() -> new AssertionError("no zone 7 in the arena's zone directory"));
                assertEquals("log", zone.name());
                assertTrue(header.holds(zone.address(), zone.size()), "the ring lies in the arena file");
                return LogRing.open(mapped.asSlice(header.offsetOf(zone.address()), zone.size()), "zone 7").walk();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return this run's records from this bundle, oldest first */
    private List<LogRing.Entry> mine(LogRing.Walk walk) {
        return walk.entries().stream()
                .filter(entry -> entry.bundleId() == context.getBundle().getBundleId() && entry.message().startsWith(run))
                .toList();
    }

    /** Waits until the ring's newest record of this run is {@code last}: the Log Service delivers on its own thread. */
    private LogRing.Walk awaitLast(String last) {
        await("'" + last + "' in the ring", () -> {
            List<LogRing.Entry> mine = mine(ring());
            return !mine.isEmpty() && mine.get(mine.size() - 1).message().equals(last);
        });
        return ring();
    }

    @Test
    void knownMessagesAtEveryLevelInOrderWithTheirBundleAndExceptions() {
        Logger logger = loggers.getLogger("logring");
        IllegalStateException failure = new IllegalStateException("a known failure");
        KnownFailure ownFailure = new KnownFailure("a failure of the test bundle's own class");
        long before = System.currentTimeMillis();
        logger.audit(run + " audit");
        logger.error(run + " error", failure);
        logger.warn(run + " warn", ownFailure);
        logger.info(run + " info");
        logger.debug(run + " debug");
        logger.trace(run + " trace");
        long after = System.currentTimeMillis();

        List<LogRing.Entry> entries = mine(awaitLast(run + " trace"));
        assertEquals(List.of(Level.AUDIT, Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE),
                entries.stream().map(LogRing.Entry::level).toList());
        assertEquals(List.of(run + " audit", run + " error", run + " warn", run + " info", run + " debug", run + " trace"),
                entries.stream().map(LogRing.Entry::message).toList());
        for (LogRing.Entry entry : entries) {
            assertEquals("osgi-tests", entry.bundle());
            assertTrue(entry.time() >= before && entry.time() <= after, entry.toString());
        }
        for (int i = 1; i < entries.size(); i++) {
            assertTrue(entries.get(i).sequence() > entries.get(i - 1).sequence(), "in the order logged");
        }
        assertEquals("java.lang.IllegalStateException: a known failure at " + failure.getStackTrace()[0], entries.get(1).exception());
        assertEquals(KnownFailure.class.getName() + ": a failure of the test bundle's own class at " + ownFailure.getStackTrace()[0],
                entries.get(2).exception());
        assertEquals("", entries.get(0).exception());
    }

    /**
     * The size is read when the core starts: the core is restarted with the ring off, then with a
     * 16 KiB ring, which a burst of 10 000 messages wraps many times over.
     */
    @Test
    void aBurstWrapsASmallRingAndTheNewestAreIntactAndConsecutive() throws Exception {
        Bundle core = fixture.bundle("kmemdump-core");
        try {
            restart(core, 0);
            assertFalse(ringZone().isPresent(), "log.ring.size 0: no ring");

            restart(core, 16 * 1024);
            assertEquals(16 * 1024, ringZone().orElseThrow().size());
            Logger logger = loggers.getLogger("burst");
            for (int n = 1; n <= 10_000; n++) {
                logger.info(run + " burst " + n);
            }
            LogRing.Walk walk = awaitLast(run + " burst 10000");
            List<LogRing.Entry> burst = mine(walk);
            assertTrue(burst.size() > 50 && burst.size() < 10_000, burst.size() + " of the burst's records are left");
            assertTrue(walk.lost() >= 10_000 - burst.size(), "the overwritten ones are counted as lost: " + walk.lost());
            for (int i = 0; i < burst.size(); i++) {
                LogRing.Entry entry = burst.get(i);
                assertEquals(run + " burst " + (10_000 - burst.size() + 1 + i), entry.message(), "consecutive up to the newest");
                assertEquals(Level.INFO, entry.level());
                assertEquals("osgi-tests", entry.bundle());
            }
            nothingLostBetween(walk.entries(), burst.get(0), burst.get(burst.size() - 1));
        } finally {
            fixture.pin(null); // deletes the core's configuration: the default ring again
            restart(core, -1);
        }
    }

    /**
     * Every record from {@code first} to {@code last} is in the ring, numbered one after the other.
     * The ring is the whole framework's: Felix Log turns every framework, bundle and service event
     * into a record, so one of another thread may fall between two of the burst's. The core's own
     * watchdog posts one every {@code watchdog.period} (10 s), a PACKAGES_REFRESHED probe: a burst
     * slowed past 10 s by a loaded machine gets it. It is kept, not lost, so it belongs there.
     */
    private static void nothingLostBetween(List<LogRing.Entry> ring, LogRing.Entry first, LogRing.Entry last) {
        List<LogRing.Entry> span = ring.subList(ring.indexOf(first), ring.indexOf(last) + 1);
        for (int i = 1; i < span.size(); i++) {
            assertEquals(span.get(i - 1).sequence() + 1, span.get(i).sequence(), "nothing lost between " + span.get(i - 1) + " and " + span.get(i));
        }
    }

    /**
     * The watchdog's stall probe is a refresh of no bundle every {@code watchdog.period}, and the
     * Log Service makes a record of each one's event. None of them reaches the ring, which would
     * otherwise fill with one every 10 s; a refresh of anyone else's still does.
     */
    @Test
    void theWatchdogsProbesStayOutOfTheRingOtherRefreshesDoNot() throws Exception {
        Bundle core = fixture.bundle("kmemdump-core");
        AtomicInteger refreshes = new AtomicInteger();
        FrameworkListener counter = event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshes.incrementAndGet();
            }
        };
        Logger logger = loggers.getLogger("probes");
        context.addFrameworkListener(counter);
        try {
            restart(core, Map.<String, Object>of("watchdog.period", 0.02));
            logger.info(run + " probing");
            int before = refreshes.get();
            await("20 of the watchdog's probes", () -> refreshes.get() >= before + 20);
            logger.info(run + " probed");
            assertEquals(List.of(), refreshRecordsBetween(awaitLast(run + " probed"), run + " probing", run + " probed"));

            restart(core, Map.<String, Object>of("watchdog.period", 0));
            logger.info(run + " refreshing");
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of());
            await("the refresh's record", () -> !refreshRecordsBetween(ring(), run + " refreshing", null).isEmpty());
            assertEquals(1, refreshRecordsBetween(ring(), run + " refreshing", null).size());
        } finally {
            context.removeFrameworkListener(counter);
            fixture.pin(null); // deletes the core's configuration
            restart(core, -1);
        }
    }

    /** @return the ring's records of a refresh after this bundle's record {@code from}, up to its record {@code to} (null: the end) */
    private List<LogRing.Entry> refreshRecordsBetween(LogRing.Walk walk, String from, String to) {
        List<LogRing.Entry> entries = walk.entries();
        List<String> messages = entries.stream().map(LogRing.Entry::message).toList();
        int start = messages.indexOf(from);
        assertTrue(start >= 0, "'" + from + "' in the ring");
        int end = to == null ? entries.size() : messages.indexOf(to);
        return entries.subList(start, end).stream().filter(entry -> entry.message().equals("FrameworkEvent PACKAGES REFRESHED")).toList();
    }

    /** Restarts the core, with {@code log.ring.size} configured if not negative, and waits for its zones in the new arena. */
    private void restart(Bundle core, long logRingSize) throws Exception {
        restart(core, logRingSize >= 0 ? Map.<String, Object>of("log.ring.size", logRingSize) : Map.<String, Object>of());
    }

    /** Restarts the core, with {@code configuration} if not empty, and waits for its zones in the new arena. */
    private void restart(Bundle core, Map<String, Object> configuration) throws Exception {
        long logRingSize = configuration.get("log.ring.size") instanceof Long size ? size : -1;
        core.stop();
        if (!configuration.isEmpty()) {
            configurationAdmin.getConfiguration(Fixture.CORE_PID, "?").update(new Hashtable<>(configuration));
        }
        core.start();
        await("the restarted core's zones in the arena file", () -> {
            try {
                return fixture.readArena((mapped, header) -> {
                    List<Integer> ids = ArenaFile.directory(mapped).validEntries().stream().map(ZoneDirectory.Entry::id).toList();
                    return header.pid() == ProcessHandle.current().pid() && ids.contains(ZoneIds.BUNDLES)
                            && (logRingSize == 0 || ids.contains(ZoneIds.LOG));
                });
            } catch (IOException | IllegalArgumentException notThereYet) {
                return false;
            }
        });
    }
}
