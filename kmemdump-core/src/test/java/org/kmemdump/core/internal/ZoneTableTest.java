package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.api.ZoneIds.NO_ID;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmemdump.api.BackendRefusedException;
import org.kmemdump.api.RegistryFullException;
import org.kmemdump.api.ZoneIdInUseException;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;

/** The kernel's kmemdump.c semantics, its error paths and the Java ones, on a table with zones 3 and 49 of alice. */
class ZoneTableTest {
    private final List<String> log = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Arena arena = Arena.ofShared();
    private final ZoneTable table = new ZoneTable(warnings::add);
    private final RecordingBackend backend = new RecordingBackend("rec", log);
    private final Owner alice = new Owner(10, "alice");
    private final Owner bob = new Owner(11, "bob");

    @BeforeEach
    void aliceHoldsZones3And49() throws ZoneRegistrationException {
        use(backend);
        register(3, alice);
        register(NO_ID, alice);
        assertEquals(List.of(3, 49), ids());
        log.clear();
    }

    @AfterEach
    void freeTheZones() {
        arena.close();
    }

    // --- registration errors: each leaves the table and the backend as they were

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 201, 1000})
    void anIdOutOfRangeIsRejected(int id) {
        var failure = assertFailsAndChangesNothing(IllegalArgumentException.class, () -> register(id, alice));
        assertMentions(failure, "zone id " + id + " ");
    }

    @Test
    void anyFreeIdIsTheLowestFreeOneFrom49Up() throws ZoneRegistrationException {
        register(50, alice);
        register(52, alice);
        assertEquals(51, register(NO_ID, alice).id());
        assertEquals(53, register(NO_ID, alice).id());
        assertEquals(List.of(3, 49, 50, 51, 52, 53), ids(), "ids below 49 are never handed out");
    }

    @Test
    void aFullRegistryRefusesAnyFreeIdButNotAFreeIdBelow49() throws ZoneRegistrationException {
        for (int id = 50; id <= 200; id++) {
            register(id, alice);
        }
        assertEquals(152, ids().stream().filter(id -> id >= NO_ID).count());
        log.clear();
        assertFailsAndChangesNothing(RegistryFullException.class, () -> register(NO_ID, alice));
        assertEquals(48, register(48, alice).id());
    }

    @Test
    void aTakenIdIsRefusedWithTheId() {
        var failure = assertFailsAndChangesNothing(ZoneIdInUseException.class, () -> register(3, bob));
        assertEquals(3, failure.id());
        assertMentions(failure, "zone id 3 ");
    }

    @Test
    void asking49IsAskingAnyFreeId() throws ZoneRegistrationException {
        assertEquals(50, register(49, bob).id(), "49 is NO_ID, as in the kernel");
    }

    @Test
    void aBackendRefusalStoresNothing() {
        backend.refuse(50, new RegionRefusedException("no room"));
        var failure = assertFailsAndChangesNothing(BackendRefusedException.class, () -> register(50, alice), "rec +50");
        assertEquals("rec", failure.backend());
        assertEquals("no room", failure.reason());
    }

    @Test
    void aFailingBackendCountsAsARefusal() {
        backend.refuse(50, new IllegalStateException("disk on fire"));
        var failure = assertFailsAndChangesNothing(BackendRefusedException.class, () -> register(50, alice), "rec +50");
        assertEquals("rec", failure.backend());
        assertTrue(failure.reason().contains("disk on fire"), failure.reason());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"0123456789abcdef", "two words", "a/b", "zoné"})
    void aBadNameIsRejected(String name) {
        var failure = assertFailsAndChangesNothing(IllegalArgumentException.class,
                () -> table.register(50, name, arena.allocate(8), alice));
        assertMentions(failure, "zone name");
    }

    @Test
    void aNameOf15CharactersIsAccepted() throws ZoneRegistrationException {
        assertEquals("0123456789abcde", table.register(50, "0123456789abcde", arena.allocate(8), alice).name());
    }

    @Test
    void nullMemoryIsRejected() {
        assertBadMemory(null, "null");
    }

    @Test
    void heapMemoryIsRejected() {
        assertBadMemory(MemorySegment.ofArray(new byte[8]), "heap");
    }

    @Test
    void closedMemoryIsRejected() {
        Arena closed = Arena.ofShared();
        MemorySegment memory = closed.allocate(8);
        closed.close();
        assertBadMemory(memory, "closed");
    }

    @Test
    void emptyMemoryIsRejected() {
        assertBadMemory(arena.allocate(0), "empty");
    }

    @Test
    void threadConfinedMemoryIsRejected() {
        try (Arena confined = Arena.ofConfined()) {
            assertBadMemory(confined.allocate(8), "confined");
        }
    }

    // --- unregistration

    @Test
    void theOwnerUnregistersThroughTheBackend() {
        assertTrue(table.unregister(49, alice));
        assertEquals(List.of(3), ids());
        assertEquals(List.of("rec -49"), log);
    }

    @Test
    void unregisteringAFreeIdIsANoOp() {
        List<ZoneSlot> before = table.zones();
        assertFalse(table.unregister(50, alice));
        assertEquals(before, table.zones());
        assertEquals(List.of(), log);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 201})
    void unregisteringAnIdOutOfRangeIsRejected(int id) {
        var failure = assertFailsAndChangesNothing(IllegalArgumentException.class, () -> table.unregister(id, alice));
        assertMentions(failure, "zone id " + id + " ");
    }

    @Test
    void onlyTheOwnerMayUnregister() {
        var failure = assertFailsAndChangesNothing(IllegalStateException.class, () -> table.unregister(49, bob));
        assertMentions(failure, alice.toString());
    }

    @Test
    void unregisterAllRemovesOnlyThatOwnersZones() throws ZoneRegistrationException {
        register(7, bob);
        register(NO_ID, bob);
        log.clear();
        table.unregisterAll(bob);
        assertEquals(List.of(3, 49), ids());
        assertEquals(List.of("rec -7", "rec -50"), log);
    }

    // --- backend changes

    @Test
    void aNewBackendGetsEveryZoneInIdOrderAfterTheOldOneLostThemAll() throws ZoneRegistrationException {
        register(20, bob);
        log.clear();
        RecordingBackend next = new RecordingBackend("next", log);
        use(next);
        assertEquals(List.of("rec -3", "rec -20", "rec -49", "next +3", "next +20", "next +49"), log);
        assertSame(next, table.activeBackend());
        assertEquals(List.of(), warnings);
    }

    /** The old backend is emptied in one call with every zone it holds, in id order: a compacting table compacts once. */
    @Test
    void theOldBackendIsEmptiedInOneCall() throws ZoneRegistrationException {
        register(20, bob);
        List<List<Integer>> calls = new ArrayList<>();
        use(new Backend() {
            @Override
            public String name() {
                return "bulk";
            }

            @Override
            public void registerRegion(Region region) {
            }

            @Override
            public void unregisterRegion(Region region) {
                calls.add(List.of(region.id()));
            }

            @Override
            public void unregisterRegions(List<Region> regions) {
                calls.add(regions.stream().map(Region::id).toList());
            }
        });
        use(null);
        assertEquals(List.of(List.of(3, 20, 49)), calls);
    }

    @Test
    void choosingTheActiveBackendAgainChangesNothing() {
        use(backend);
        assertEquals(List.of(), log);
    }

    @Test
    void aReplayRefusalIsRecordedAndTheZoneOfferedToTheNextBackend() {
        use(new RecordingBackend("picky", log).refuse(49, new RegionRefusedException("too big")));
        assertEquals("too big", slot(49).refusal());
        assertNull(slot(3).refusal());
        assertEquals(List.of(3, 49), ids(), "a refused zone stays registered");
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("zone 49"), warnings.get(0));

        log.clear();
        use(new RecordingBackend("third", log));
        assertEquals(List.of("picky -3", "third +3", "third +49"), log, "picky never held zone 49");
        assertNull(slot(49).refusal());
    }

    @Test
    void aReplayFailureIsRecordedLikeARefusal() {
        use(new RecordingBackend("broken", log).refuse(3, new IllegalStateException("disk on fire")));
        assertTrue(slot(3).refusal().contains("disk on fire"), slot(3).refusal());
    }

    @Test
    void aZoneRefusedOnReplayIsNotUnregisteredFromTheRefusingBackend() {
        use(new RecordingBackend("picky", log).refuse(49, new RegionRefusedException("too big")));
        log.clear();
        assertTrue(table.unregister(49, alice));
        assertEquals(List.of(3), ids());
        assertEquals(List.of(), log);
    }

    @Test
    void withoutABackendZonesStayAndAreReplayedIntoTheNextOne() throws ZoneRegistrationException {
        use(null);
        assertEquals(List.of("rec -3", "rec -49"), log);
        assertNull(table.activeBackend());
        register(7, bob);
        assertEquals(List.of(3, 7, 49), ids());

        log.clear();
        use(backend);
        assertEquals(List.of("rec +3", "rec +7", "rec +49"), log);
        assertEquals(List.of(3, 7, 49), List.copyOf(backend.held().keySet()));
    }

    @Test
    void aTableThatNeverHadABackendRegistersAndUnregisters() throws ZoneRegistrationException {
        ZoneTable alone = new ZoneTable(warnings::add);
        ZoneSlot slot = alone.register(NO_ID, "alone", arena.allocate(8), alice);
        assertEquals(49, slot.id());
        assertNull(slot.refusal());
        assertEquals(List.of(slot), alone.zones());
        assertTrue(alone.unregister(49, alice));
        assertEquals(List.of(), alone.zones());
    }

    @Test
    void theListenerSeesEveryChangeWithTheCurrentZones() throws ZoneRegistrationException {
        List<String> seen = new ArrayList<>();
        table.listener(new ZoneTable.Listener() { // rebuilds the zones from the changes, and notes them after each operation
            private final SortedMap<Integer, ZoneSlot> zones = new TreeMap<>();
            private String backendName;

            @Override
            public void backendChanged(String name) {
                backendName = name;
            }

            @Override
            public void zoneChanged(ZoneSlot before, ZoneSlot after) {
                int id = before != null ? before.id() : after.id();
                assertSame(before, zones.get(id), "told the slot it was last told of zone " + id);
                if (after == null) {
                    zones.remove(id);
                } else {
                    zones.put(id, after);
                }
            }

            @Override
            public void operationDone() {
                seen.add(backendName + " " + List.copyOf(zones.keySet()));
                assertEquals(table.zones(), List.copyOf(zones.values()), "told every change before the operation ended");
            }
        });
        register(7, bob);
        assertThrows(ZoneIdInUseException.class, () -> register(7, bob));
        table.unregister(3, alice);
        use(new RecordingBackend("next", log));
        table.unregisterAll(bob);
        use(null);
        assertEquals(List.of("rec [3, 49]", "rec [3, 7, 49]", "rec [7, 49]", "next [7, 49]", "next [49]", "none [49]"),
                seen);
    }

    // --- helpers

    /** An arena zone's close: its parts registered on their own go with it, whoever registered them; what lies outside stays. */
    @Test
    void unregisteringAnArenaZoneTakesThePartsOfItWithIt() throws ZoneRegistrationException {
        MemorySegment block = arena.allocate(4096);
        ZoneSlot whole = table.register(60, "whole", block, alice);
        table.register(61, "part", block.asSlice(1000, 300), alice);
        table.register(62, "end", block.asSlice(4095), bob);
        table.register(63, "beside", arena.allocate(64), alice);
        log.clear();
        table.unregisterArenaZone(whole);
        assertEquals(List.of(3, 49, 63), ids());
        assertEquals(List.of("rec -60", "rec -61", "rec -62"), log);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(1).startsWith("zone 62 'end' of bundle 11 (bob) lay in arena zone 60 'whole'"), warnings.toString());
        table.unregisterArenaZone(whole);
        assertEquals(List.of(3, 49, 63), ids(), "a second close changes nothing");
    }

    private ZoneSlot register(int id, Owner owner) throws ZoneRegistrationException {
        return table.register(id, "zone" + id, arena.allocate(16), owner);
    }

    private void use(Backend next) {
        table.changeBackends(() -> { }, () -> next);
    }

    private List<Integer> ids() {
        return table.zones().stream().map(ZoneSlot::id).toList();
    }

    private ZoneSlot slot(int id) {
        return table.zones().stream().filter(slot -> slot.id() == id).findFirst().orElseThrow();
    }

    private void assertBadMemory(MemorySegment memory, String problem) {
        var failure = assertFailsAndChangesNothing(IllegalArgumentException.class,
                () -> table.register(50, "memory", memory, alice));
        assertMentions(failure, problem);
    }

    /** Runs a failing action and checks the table kept its zones and the backend saw only {@code backendCalls}. */
    private <T extends Throwable> T assertFailsAndChangesNothing(Class<T> type, Executable action, String... backendCalls) {
        List<ZoneSlot> before = table.zones();
        int logged = log.size();
        T failure = assertThrows(type, action);
        assertEquals(before, table.zones(), "the table changed");
        assertEquals(List.of(backendCalls), log.subList(logged, log.size()), "the backend calls");
        assertEquals(ids(), List.copyOf(backend.held().keySet()), "the backend holds the table's zones");
        return failure;
    }

    private static void assertMentions(Throwable failure, String text) {
        assertTrue(failure.getMessage().contains(text), () -> "'" + failure.getMessage() + "' does not mention " + text);
    }
}
