package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;
import static org.kmemdump.itest.Fixture.ids;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.kmemdump.api.BackendRefusedException;
import org.kmemdump.api.RegistryFullException;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneIdInUseException;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.Bundle;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.annotation.Property;
import org.osgi.test.common.annotation.Property.Scalar;
import org.osgi.test.common.annotation.config.WithFactoryConfiguration;

/**
 * Every way a registration can fail, through the real service: each failure is the documented one,
 * names what was wrong, and leaves the registry, the backend and the coreimage exactly as they were.
 */
@WithFactoryConfiguration(factoryPid = Fixture.RECORDER_PID, name = "strict", location = "?", properties = {
        @Property(key = "name", value = "strict"), @Property(key = "service.ranking", value = "50", scalar = Scalar.Integer),
        @Property(key = "refuse", value = "46")})
class RegistryErrorsTest extends InFramework {
    @InjectService
    ZoneRegistry registry;

    private Fixture fixture;
    private Arena arena;
    private Bundle recorders;
    private Supplier<List<String>> log;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new Fixture(context, configurationAdmin);
        arena = Arena.ofShared();
        recorders = installer.installBundle(Fixture.embedded("recording-backend"), false);
        recorders.start();
        log = fixture.log("strict");
        await("the recorder to be active", () -> Fixture.activeBackend(registry).equals("strict"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Zone zone : registry.zones()) {
            if (zone.id() >= ZoneIds.USER_START) {
                registry.unregister(zone.id());
            }
        }
        recorders.uninstall();
        await("the default backend", () -> Fixture.activeBackend(registry).equals("default"));
        arena.close();
    }

    /** Runs a failing call and checks that nothing changed anywhere. */
    private <T extends Throwable> T failsCleanly(Class<T> type, String messagePart, Executable call) {
        List<Zone> zones = registry.zones();
        List<String> calls = log.get();
        String coreimage = Fixture.vmcoreinfo(registry);
        T failure = assertThrows(type, call);
        assertTrue(failure.getMessage().contains(messagePart), "'" + failure.getMessage() + "' should name " + messagePart);
        assertEquals(zones, registry.zones(), "the registry is unchanged");
        assertEquals(calls.stream().filter(c -> !c.contains(" refuse ")).toList(),
                log.get().stream().filter(c -> !c.contains(" refuse ")).toList(), "the backend holds what it held");
        assertEquals(coreimage, Fixture.vmcoreinfo(registry), "the coreimage is unchanged");
        return failure;
    }

    private MemorySegment memory() {
        return arena.allocate(64);
    }

    @Test
    void badIds() {
        failsCleanly(IllegalArgumentException.class, "zone id 0", () -> registry.register(0, "zero", memory()));
        failsCleanly(IllegalArgumentException.class, "zone id -1", () -> registry.register(-1, "neg", memory()));
        failsCleanly(IllegalArgumentException.class, "zone id 201", () -> registry.register(201, "big", memory()));
        failsCleanly(IllegalArgumentException.class, "zone id 201", () -> registry.unregister(201));
        failsCleanly(IllegalArgumentException.class, "zone id 0", () -> registry.unregister(0));
    }

    @Test
    void badNames() throws Exception {
        for (String name : new String[] {"", "sixteen-chars-xx", "with space", "a/b", "caf\u00e9"}) {
            failsCleanly(IllegalArgumentException.class, "'" + name + "'", () -> registry.register(name, memory()));
        }
        failsCleanly(IllegalArgumentException.class, "name is null", () -> registry.register(null, memory()));
        assertEquals(15, registry.register("fifteen-chars-x", memory()).name().length());
    }

    @Test
    void badMemory() {
        failsCleanly(IllegalArgumentException.class, "null", () -> registry.register("nul", null));
        failsCleanly(IllegalArgumentException.class, "heap", () -> registry.register("heap", MemorySegment.ofArray(new byte[8])));
        failsCleanly(IllegalArgumentException.class, "empty", () -> registry.register("empty", arena.allocate(0)));
        Arena closed = Arena.ofShared();
        MemorySegment freed = closed.allocate(8);
        closed.close();
        failsCleanly(IllegalArgumentException.class, "closed", () -> registry.register("freed", freed));
        try (Arena confined = Arena.ofConfined()) {
            failsCleanly(IllegalArgumentException.class, "confined", () -> registry.register("conf", confined.allocate(8)));
        }
    }

    @Test
    void idInUse() throws Exception {
        Zone zone = registry.register(ZoneIds.USER_START, "first", memory());
        ZoneIdInUseException taken = failsCleanly(ZoneIdInUseException.class, "in use",
                () -> registry.register(ZoneIds.USER_START, "second", memory()));
        assertEquals(zone.id(), taken.id());
        failsCleanly(ZoneIdInUseException.class, "zone id 1", () -> registry.register(ZoneIds.ELF, "mine", memory()));
    }

    @Test
    void backendRefusal() {
        BackendRefusedException refused = failsCleanly(BackendRefusedException.class, "refused by configuration",
                () -> registry.register(46, "fortysix", memory()));
        assertEquals("strict", refused.backend());
        assertEquals("refused by configuration", refused.reason());
        assertFalse(ids(registry).contains(46));
    }

    @Test
    void registryFull() throws Exception {
        List<Zone> mine = new ArrayList<>();
        try {
            while (true) {
                mine.add(registry.register("fill", memory()));
            }
        } catch (RegistryFullException expected) {
            // every id from 49 up is taken
        }
        assertEquals(ZoneIds.MAX_ZONES - ZoneIds.NO_ID, mine.size());
        failsCleanly(RegistryFullException.class, "no free zone id", () -> registry.register("more", memory()));
        assertEquals(ZoneIds.USER_END, registry.register(ZoneIds.USER_END, "below", memory()).id(),
                "an explicit id below 49 still works");
    }

    @Test
    void unregisterFreeIdIsANoOp() {
        List<String> calls = log.get();
        assertFalse(registry.unregister(ZoneIds.USER_END));
        assertEquals(calls, log.get());
    }

    @Test
    void onlyTheOwnerUnregisters() throws Exception {
        Bundle consumer = installer.installBundle(Fixture.embedded("zone-consumer"), false);
        try {
            consumer.start();
            await("the consumer's zones", () -> ids(registry).containsAll(List.of(48, 49, 50, 51)));
            failsCleanly(IllegalStateException.class, "zone-consumer", () -> registry.unregister(49));
            failsCleanly(IllegalStateException.class, "kmemdump-core", () -> registry.unregister(ZoneIds.ELF));
        } finally {
            consumer.uninstall();
        }
    }
}
