package org.kmemdump.directory.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * The decision against a real Felix, started the way bnd's launcher starts it: at start level 1
 * (the system bundle {@code ACTIVE}), a bundle marked started at a higher level, the level raised after.
 */
class AfterStartUpTest {
    @TempDir
    Path storage;
    private Framework framework;

    @AfterEach
    void stop() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void waitsForTheStartLevelRaiseAfterStartedWhenABundleIsMarkedStartedAboveTheActiveLevel() throws Exception {
        start("1");
        Bundle later = install("later");
        later.adapt(BundleStartLevel.class).setStartLevel(5);
        later.start(); // marked started; it starts when the level reaches 5
        BundleContext context = framework.getBundleContext();
        assertEquals(Bundle.ACTIVE, framework.getState(), "the system bundle is ACTIVE at level 1, as under bnd's launcher");
        assertFalse(AfterStartUp.done(context), "a bundle marked started waits for a higher level");

        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger bundleStateThen = new AtomicInteger();
        AfterStartUp.run(context, () -> {
            bundleStateThen.set(later.getState());
            ran.countDown();
        });
        assertEquals(1, ran.getCount(), "not run before the raise");

        framework.adapt(FrameworkStartLevel.class).setStartLevel(5);
        assertTrue(ran.await(10, TimeUnit.SECONDS), "run on STARTLEVEL_CHANGED");
        assertEquals(Bundle.ACTIVE, bundleStateThen.get(), "after the bundle it waited for had started");
        assertTrue(AfterStartUp.done(context));
    }

    @Test
    void runsAtOnceWhenStartUpIsOverEvenWithABundleInstalledLater() throws Exception {
        start("1");
        install("installed-later").start();
        AtomicInteger runs = new AtomicInteger();
        AfterStartUp.run(framework.getBundleContext(), runs::incrementAndGet);
        assertEquals(1, runs.get(), "at once, on the caller's thread");
        framework.adapt(FrameworkStartLevel.class).setStartLevel(3);
        awaitStartLevel(3);
        assertEquals(1, runs.get(), "once only");
    }

    @Test
    void aBundleParkedAboveEveryLevelTheFrameworkReachesDelaysTheWorkOnlyUpToTheBound() throws Exception {
        start("1");
        Bundle parked = install("parked");
        parked.adapt(BundleStartLevel.class).setStartLevel(100);
        parked.start(); // marked started at a level nobody raises the framework to
        CountDownLatch ran = new CountDownLatch(1);
        long asked = System.nanoTime();
        AfterStartUp.run(framework.getBundleContext(), ran::countDown, Duration.ofMillis(300));
        assertFalse(ran.await(100, TimeUnit.MILLISECONDS), "not at once: start-up may still be on its way");
        assertTrue(ran.await(10, TimeUnit.SECONDS), "run once the bound passed");
        assertTrue(System.nanoTime() - asked >= TimeUnit.MILLISECONDS.toNanos(300), "not before the bound");
        assertFalse(parked.getState() == Bundle.ACTIVE, "the parked bundle never started");
    }

    @Test
    void closedBeforeStartUpEndsNeverRuns() throws Exception {
        start("1");
        Bundle later = install("later");
        later.adapt(BundleStartLevel.class).setStartLevel(2);
        later.start();
        AtomicInteger runs = new AtomicInteger();
        AfterStartUp.run(framework.getBundleContext(), runs::incrementAndGet).close();
        framework.adapt(FrameworkStartLevel.class).setStartLevel(2);
        awaitStartLevel(2);
        Thread.sleep(200); // the event is delivered asynchronously; nothing may run
        assertEquals(0, runs.get());
    }

    @Test
    void nullArgumentsAreRefusedInWords() throws Exception {
        start("1");
        IllegalArgumentException noContext = assertThrows(IllegalArgumentException.class, () -> AfterStartUp.run(null, () -> { }));
        assertEquals("the bundle context is null: nothing to run after start-up", noContext.getMessage());
        IllegalArgumentException noWork = assertThrows(IllegalArgumentException.class, () -> AfterStartUp.run(framework.getBundleContext(), null));
        assertEquals("the work is null: nothing to run after start-up", noWork.getMessage());
    }

    private void start(String beginningLevel) throws BundleException {
        framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                Constants.FRAMEWORK_BEGINNING_STARTLEVEL, beginningLevel));
        framework.start();
    }

    private void awaitStartLevel(int level) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (framework.adapt(FrameworkStartLevel.class).getStartLevel() != level && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(level, framework.adapt(FrameworkStartLevel.class).getStartLevel());
    }

    /** @return a bundle of a manifest alone */
    private Bundle install(String name) throws BundleException, IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar, manifest).close();
        return framework.getBundleContext().installBundle(name, new ByteArrayInputStream(jar.toByteArray()));
    }
}
