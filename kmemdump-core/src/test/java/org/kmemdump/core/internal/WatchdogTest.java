package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;
import org.osgi.framework.BundleListener;
import org.osgi.framework.launch.Framework;

/** The watchdog against a real Felix: a real deadlock of two threads, and a bundle listener that blocks the event dispatch. */
class WatchdogTest {
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @TempDir
    Path work;
    private Framework framework;
    private Watchdog watchdog;

    @BeforeEach
    void start() throws Exception {
        framework = EmbeddedFelix.start(work);
        watchdog = new Watchdog(framework.getBundleContext(), STALL_NANOS, new WatchdogProbes());
        watchdog.open();
    }

    @AfterEach
    void stop() throws Exception {
        watchdog.close();
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void aDeadlockIsNamedOnceWithItsThreadsAndLocks() throws Exception {
        ReentrantLock first = new ReentrantLock();
        ReentrantLock second = new ReentrantLock();
        CyclicBarrier bothHoldOne = new CyclicBarrier(2);
        Thread a = Thread.ofPlatform().daemon().name("watchdog-test-a").start(() -> lockInOrder(first, second, bothHoldOne));
        Thread b = Thread.ofPlatform().daemon().name("watchdog-test-b").start(() -> lockInOrder(second, first, bothHoldOne));
        try {
            String report = awaitReport();
            assertTrue(report.startsWith("deadlock of 2 threads: ") && report.contains("\"watchdog-test-a\"")
                    && report.contains("\"watchdog-test-b\"") && report.contains("WAITING on java.util.concurrent.locks.ReentrantLock")
                    && report.contains("held by \"watchdog-test-b\""), report);
            assertNull(watchdog.check(), "the same deadlock is reported once");
        } finally {
            a.interrupt();
            b.interrupt();
            a.join();
            b.join();
        }
    }

    private static void lockInOrder(ReentrantLock held, ReentrantLock wanted, CyclicBarrier bothHoldOne) {
        held.lock();
        try {
            bothHoldOne.await();
            wanted.lockInterruptibly();
            wanted.unlock();
        } catch (Exception interrupted) {
            // the test ends the deadlock
        } finally {
            held.unlock();
        }
    }

    @Test
    void aBlockedEventDispatchIsAStallUntilItMovesAgain() throws Exception {
        assertNull(watchdog.check(), "the first probe is sent");
        Thread.sleep(100);
        assertNull(watchdog.check(), "delivered at once: no stall");
        CountDownLatch release = new CountDownLatch(1);
        BundleListener blocker = event -> { // asynchronous: called on the event dispatch thread, which it holds up
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        framework.getBundleContext().addBundleListener(blocker);
        framework.getBundleContext().installBundle("empty", emptyBundle());
        try {
            String report = awaitReport();
            assertTrue(report.startsWith("framework stalled: an event posted ") && report.contains("\"" + Watchdog.DISPATCH_THREAD + "\""),
                    report);
            assertNull(watchdog.check(), "a stall is reported once");
        } finally {
            release.countDown();
        }
        framework.getBundleContext().removeBundleListener(blocker);
        Thread.sleep(200);
        for (int i = 0; i < 5; i++) {
            assertNull(watchdog.check(), "moving again");
            Thread.sleep(100);
        }
    }

    /** @return a bundle with a manifest and nothing else */
    private static InputStream emptyBundle() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, "empty");
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar, manifest).close();
        return new ByteArrayInputStream(jar.toByteArray());
    }

    private String awaitReport() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String report = watchdog.check();
            if (report != null) {
                return report;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no report within 10 s");
    }
}
