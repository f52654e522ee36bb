package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.kmemdump.itest.Fixture.await;
import static org.kmemdump.itest.Fixture.held;
import static org.kmemdump.itest.Fixture.ids;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.kmemdump.api.RegistryFullException;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectService;

/**
 * Registrations and unregistrations race with backends being installed, configured, started,
 * stopped and uninstalled. Afterwards the active backend holds exactly the registry's zones, every
 * backend that left holds nothing, and nothing deadlocked.
 */
class SwapStressTest extends InFramework {
    private static final int WORKERS = 4;
    private static final int BACKEND_ROUNDS = 40;

    @InjectService
    ZoneRegistry registry;

    @Test
    void theActiveBackendHoldsExactlyTheRegistrysZones() throws Exception {
        Fixture fixture = new Fixture(context, configurationAdmin);
        AtomicBoolean running = new AtomicBoolean(true);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(WORKERS);
        long[] operations = new long[WORKERS];
        try (Arena arena = Arena.ofShared()) {
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                Thread.ofPlatform().name("zone-worker-" + w).start(() -> {
                    Random random = new Random(worker);
                    List<Integer> mine = new ArrayList<>();
                    try {
                        while (running.get()) {
                            if (mine.isEmpty() || (mine.size() < 30 && random.nextBoolean())) {
                                try {
                                    mine.add(registry.register("w" + worker, arena.allocate(16 + random.nextInt(64))).id());
                                } catch (RegistryFullException full) {
                                    // other workers hold the rest; unregister next time round
                                }
                            } else {
                                assertTrue(registry.unregister(mine.remove(random.nextInt(mine.size()))));
                            }
                            operations[worker]++;
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    } finally {
                        done.countDown();
                    }
                });
            }

            Random random = new Random(42);
            for (int round = 0; round < BACKEND_ROUNDS && failures.isEmpty(); round++) {
                Bundle recorders = installer.installBundle(Fixture.embedded("recording-backend"), false);
                recorders.start();
                String name = "r" + round;
                fixture.recorder(name, random.nextInt(100), "");
                Supplier<List<String>> log = fixture.log(name);
                ServiceReference<?> recorder = fixture.recorderService(name);
                if (random.nextBoolean()) {
                    recorders.stop();
                } else {
                    configurationAdmin.getFactoryConfiguration(Fixture.RECORDER_PID, name, "?").delete();
                    Fixture.awaitUnregistered(recorder, "recorder " + name);
                }
                recorders.uninstall();
                // another thread may still be unregistering it (SCR, deleting its configuration): the core's unbind runs inside that
                Fixture.awaitUnregistered(recorder, "recorder " + name);
                assertEquals(Set.of(), held(log.get()), "backend " + name + " left holding zones");
            }

            Bundle recorders = installer.installBundle(Fixture.embedded("recording-backend"), false);
            recorders.start();
            fixture.recorder("final", 1000, "");
            Supplier<List<String>> last = fixture.log("final");
            running.set(false);
            if (!done.await(30, TimeUnit.SECONDS)) {
                fail("workers are stuck, a deadlock?\n" + threadDump());
            }
            if (!failures.isEmpty()) {
                throw new AssertionError("a worker failed", failures.peek());
            }
            await("the final backend to be active", () -> Fixture.activeBackend(registry).equals("final"));
            assertEquals(new TreeSet<>(ids(registry)), held(last.get()), "the active backend holds exactly the registry's zones");
            long total = 0;
            for (long n : operations) {
                total += n;
            }
            System.out.println("SwapStressTest: " + total + " registrations/unregistrations across " + BACKEND_ROUNDS
                    + " backend lifecycles");
            assertTrue(total > BACKEND_ROUNDS, "the workers actually raced the swaps");

            for (Zone zone : registry.zones()) {
                if (zone.name().startsWith("w")) {
                    registry.unregister(zone.id());
                }
            }
            recorders.uninstall();
            for (var configuration : configurationAdmin.listConfigurations(
                    "(service.factoryPid=" + Fixture.RECORDER_PID + ")")) {
                configuration.delete();
            }
            await("the default backend", () -> Fixture.activeBackend(registry).equals("default"));
        } finally {
            running.set(false);
        }
    }

    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append(info);
        }
        return dump.toString();
    }
}
