package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;
import static org.kmemdump.itest.Fixture.calls;
import static org.kmemdump.itest.Fixture.each;
import static org.kmemdump.itest.Fixture.held;
import static org.kmemdump.itest.Fixture.ids;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.annotation.Property;
import org.osgi.test.common.annotation.Property.Scalar;
import org.osgi.test.common.annotation.config.WithFactoryConfiguration;

/**
 * Backends come and go as bundles and configurations at runtime; the registry keeps exactly one
 * active and moves every zone over in the kernel's order.
 */
class BackendSwapTest extends InFramework {
    private static final List<Integer> RUNTIME_IDS = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9);

    @InjectService
    ZoneRegistry registry;

    private Fixture fixture;
    private Bundle consumer;
    private Bundle recorders;
    private Arena arena;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new Fixture(context, configurationAdmin);
        arena = Arena.ofShared();
        consumer = installer.installBundle(Fixture.embedded("zone-consumer"), false);
        consumer.start();
        await("the consumer's zones", () -> ids(registry).containsAll(List.of(48, 49, 50, 51)));
        registry.register(ZoneIds.USER_START, "test-zone", arena.allocate(100));
        recorders = installer.installBundle(Fixture.embedded("recording-backend"), false);
        recorders.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.pin(null);
        registry.unregister(ZoneIds.USER_START);
        for (Bundle bundle : List.of(consumer, recorders)) {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        }
        for (Configuration configuration : configurationAdmin.listConfigurations(
                "(service.factoryPid=" + Fixture.RECORDER_PID + ")") instanceof Configuration[] found ? found : new Configuration[0]) {
            configuration.delete();
        }
        await("the default backend to be active again", () -> Fixture.activeBackend(registry).equals("default"));
        arena.close();
    }

    @Test
    void aBetterBackendTakesEveryZoneInOrder() throws Exception {
        List<Integer> zones = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 47, 48, 49, 50, 51);
        assertEquals(zones, ids(registry));

        fixture.recorder("low", 10, "");
        Supplier<List<String>> low = fixture.log("low");
        await("low to take every zone", () -> low.get().size() == zones.size());
        assertEquals(each("register", zones), calls(low.get(), "register"), "replay into the first backend");
        assertEquals("low", Fixture.activeBackend(registry));

        fixture.recorder("high", 20, "");
        Supplier<List<String>> high = fixture.log("high");
        await("high to take every zone", () -> high.get().size() == zones.size());
        List<String> lowLog = low.get();
        assertEquals(each("unregister", zones), calls(lowLog, "unregister"), "the old backend lets go of everything");
        assertEquals(each("register", zones), calls(high.get(), "register"), "then the new one takes everything");
        long lastUnregister = Fixture.sequence(lowLog.get(lowLog.size() - 1));
        long firstRegister = Fixture.sequence(high.get().get(0));
        assertTrue(lastUnregister < firstRegister, "all old unregisters come before all new registers: " + lowLog + " " + high.get());
        assertEquals("high", Fixture.activeBackend(registry));
    }

    @Test
    void configurationPinWinsOverRanking() throws Exception {
        fixture.recorder("low", 10, "");
        fixture.recorder("high", 20, "");
        Supplier<List<String>> low = fixture.log("low");
        Supplier<List<String>> high = fixture.log("high");
        await("high to be active", () -> Fixture.activeBackend(registry).equals("high"));

        fixture.pin("low");
        await("the pinned backend to be active", () -> Fixture.activeBackend(registry).equals("low"));
        assertEquals(Set.copyOf(ids(registry)), held(low.get()));
        assertTrue(held(high.get()).isEmpty(), "high must have let go of everything: " + high.get());

        fixture.pin("absent");
        await("ranking to decide while the pinned backend is absent", () -> Fixture.activeBackend(registry).equals("high"));

        fixture.pin(null);
        assertEquals("high", Fixture.activeBackend(registry));
        assertEquals(new TreeSet<>(ids(registry)), held(high.get()));
    }

    @Test
    void stoppingAndUninstallingFallBack() throws Exception {
        fixture.recorder("low", 10, "");
        Configuration highConfiguration = fixture.recorder("high", 20, "");
        Supplier<List<String>> low = fixture.log("low");
        Supplier<List<String>> high = fixture.log("high");
        await("high to be active", () -> Fixture.activeBackend(registry).equals("high"));

        highConfiguration.delete();
        await("low to take over from the departed high", () -> Fixture.activeBackend(registry).equals("low"));
        assertTrue(held(high.get()).isEmpty(), "the departing backend was told to let go: " + high.get());
        assertEquals(new TreeSet<>(ids(registry)), held(low.get()));

        recorders.stop();
        await("the default backend after the bundle stops", () -> Fixture.activeBackend(registry).equals("default"));
        assertTrue(held(low.get()).isEmpty(), "the stopped backend was told to let go: " + low.get());

        recorders.start();
        Supplier<List<String>> lowAgain = fixture.log("low");
        await("low back after restart", () -> Fixture.activeBackend(registry).equals("low"));
        assertEquals(new TreeSet<>(ids(registry)), held(lowAgain.get()));

        recorders.uninstall();
        await("the default backend after uninstall", () -> Fixture.activeBackend(registry).equals("default"));
        assertTrue(held(lowAgain.get()).isEmpty(), "the uninstalled backend was told to let go: " + lowAgain.get());
    }

    @Test
    @WithFactoryConfiguration(factoryPid = Fixture.RECORDER_PID, name = "high", location = "?", properties = {
            @Property(key = "name", value = "high"), @Property(key = "service.ranking", value = "20", scalar = Scalar.Integer)})
    void stoppingTheConsumerUnregistersItsZonesEverywhere() throws Exception {
        Supplier<List<String>> high = fixture.log("high");
        await("high to be active", () -> Fixture.activeBackend(registry).equals("high"));
        assertTrue(held(high.get()).containsAll(List.of(48, 49, 50, 51)));

        consumer.stop();
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 47), ids(registry), "the consumer's zones are gone from the registry");
        assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 47), held(high.get()), "and from the backend");
        assertFalse(Fixture.vmcoreinfo(registry).contains("consumer-"), "and from the coreimage");
    }

    @Test
    @WithFactoryConfiguration(factoryPid = Fixture.RECORDER_PID, name = "picky", location = "?", properties = {
            @Property(key = "name", value = "picky"), @Property(key = "service.ranking", value = "20", scalar = Scalar.Integer),
            @Property(key = "refuse", value = "50")})
    void aReplayRefusalIsRecordedAndOfferedToTheNextBackend() throws Exception {
        Supplier<List<String>> picky = fixture.log("picky");
        await("picky to be active", () -> Fixture.activeBackend(registry).equals("picky"));
        assertTrue(picky.get().stream().anyMatch(e -> e.endsWith("refuse 50 consumer-1")), picky.get().toString());
        assertTrue(ids(registry).contains(50), "a refused zone stays registered");
        assertFalse(held(picky.get()).contains(50));

        fixture.recorder("open", 30, "");
        Supplier<List<String>> open = fixture.log("open");
        await("open to be active", () -> Fixture.activeBackend(registry).equals("open"));
        assertFalse(calls(picky.get(), "unregister").contains("unregister 50"), "never unregister what was refused");
        assertTrue(held(open.get()).contains(50), "the refused zone is offered to the next backend");
        assertEquals(RUNTIME_IDS, ids(registry).subList(0, RUNTIME_IDS.size()));
    }
}
