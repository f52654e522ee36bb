package org.kmemdump.core.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

import org.kmemdump.api.RegistryFullException;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.backend.Backend;
import org.kmemdump.backend.defaults.internal.DefaultBackend;
import org.kmemdump.backend.minidump.internal.MinidumpForBenchmarks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A backend swap on a full table: 200 zones (ids 1 to 200, every slot), the active backend
 * alternating between a no-op {@link DefaultBackend} and a second backend: another default one, or
 * the real minidump backend on an SMEM file in a temporary directory. Each swap unregisters the 200
 * zones from the old backend and replays the 200 into the new one, under the table lock; with
 * minidump, every other swap fills its table and the next one empties it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class SwapBenchmark {
    static final int ZONES = ZoneIds.MAX_ZONES - 1;
    private static final Owner OWNER = new Owner(42, "benchmarks");

    /** The second backend: {@code default} or {@code minidump}. */
    @Param({"default", "minidump"})
    public String second;

    private Arena arena;
    private MinidumpForBenchmarks minidump;
    private ZoneTable table;
    private Backend first;
    private Backend other;
    private Backend next;

    @Setup(Level.Trial)
    public void setUp() throws ZoneRegistrationException, IOException {
        arena = Arena.ofShared();
        first = new DefaultBackend();
        if (second.equals("minidump")) {
            minidump = new MinidumpForBenchmarks();
            other = minidump.backend();
        } else {
            other = new DefaultBackend();
        }
        table = new ZoneTable(warning -> {
            throw new IllegalStateException("unexpected registry warning: " + warning);
        });
        table.changeBackends(() -> { }, () -> first);
        for (int id = 1; id < ZoneIds.NO_ID; id++) {
            table.register(id, "fixed-" + id, arena.allocate(64), OWNER);
        }
        for (int id = ZoneIds.NO_ID; id < ZoneIds.MAX_ZONES; id++) {
            ZoneSlot slot = table.register(ZoneIds.NO_ID, "any-" + id, arena.allocate(64), OWNER);
            if (slot.id() != id) {
                throw new IllegalStateException("'any free id' gave " + slot.id() + ", expected " + id);
            }
        }
        if (table.zones().size() != ZONES) {
            throw new IllegalStateException(table.zones().size() + " zones, expected " + ZONES);
        }
        try {
            table.register(ZoneIds.NO_ID, "one-too-many", arena.allocate(64), OWNER);
            throw new IllegalStateException("the table took a zone beyond id " + ZONES);
        } catch (RegistryFullException expected) {
            // full, as it should be
        }
        next = other;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (table.zones().size() != ZONES || table.zones().stream().anyMatch(z -> z.refusal() != null)) {
            throw new IllegalStateException("the swaps lost or refused zones");
        }
        table.changeBackends(() -> { }, () -> first);
        if (minidump != null) {
            minidump.close();
        }
        arena.close();
    }

    /** one swap: 200 unregisters from the active backend, 200 registers with the other */
    @Benchmark
    public Backend swap() {
        Backend to = next;
        table.changeBackends(() -> { }, () -> to);
        next = to == first ? other : first;
        return to;
    }
}
