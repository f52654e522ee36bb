package org.kmemdump.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One zone registered and unregistered again through the {@link ZoneRegistry} service of a real
 * runtime (Felix in this process, the core bundle with its persistent arena and log ring, the
 * coreimage ELF and VMCOREINFO zones kept current on every change), against the same pair on a
 * {@link ConcurrentHashMap}, the cheapest thread-safe map the registry could have been, measured
 * in the same run.
 *
 * <p>Every pair uses the fixed id {@link ZoneIds#USER_START} beside the runtime's own zones and one
 * segment allocated up front from a shared arena, so no native allocation is timed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// The runtime in this process (SCR, the snapshot threads) and the JIT compiling Felix and the core compete
// with the first seconds of each fork: a pair fell from ~50 us to 2-3 us over them. Measured after they are done.
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegistryBenchmark {
    private static final int ID = ZoneIds.USER_START;
    private static final String NAME = "bench";

    /** The runtime, with the active backend the parameter names. */
    @State(Scope.Thread)
    public static class RuntimeState {
        /** {@code default}: the default backend bundle only; {@code minidump}: the minidump backend bundle too (it wins, ranking 100). */
        @Param({"default", "minidump"})
        public String backend;

        private EmbeddedRuntime runtime;
        private ZoneRegistry registry;
        private Arena arena;
        private MemorySegment memory;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            runtime = EmbeddedRuntime.start(backend.equals("default") ? List.of("backend-default")
                    : List.of("backend-default", "backend-" + backend));
            runtime.expectActive(backend);
            registry = runtime.registry();
            arena = Arena.ofShared();
            memory = arena.allocate(4096);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            try {
                if (registry.zones().stream().anyMatch(zone -> zone.id() == ID)) {
                    throw new IllegalStateException("a pair left zone " + ID + " registered");
                }
                runtime.expectActive(backend);
            } finally {
                runtime.close();
                arena.close();
            }
        }
    }

    /** The map the registry is measured against. */
    @State(Scope.Thread)
    public static class MapState {
        private final ConcurrentHashMap<Integer, MemorySegment> map = new ConcurrentHashMap<>();
        private final MemorySegment memory = Arena.ofAuto().allocate(4096);

        @TearDown(Level.Trial)
        public void tearDown() {
            if (!map.isEmpty()) {
                throw new IllegalStateException("a pair left an entry in the map");
            }
        }
    }

    /** register + unregister through the service, as a bundle does it */
    @Benchmark
    public boolean registryPair(RuntimeState runtime) throws ZoneRegistrationException {
        runtime.registry.register(ID, NAME, runtime.memory);
        return runtime.registry.unregister(ID);
    }

    /** put + remove of the same key and segment (47 is a cached Integer: nothing is boxed anew) */
    @Benchmark
    public MemorySegment chmPair(MapState map) {
        map.map.put(ID, map.memory);
        return map.map.remove(ID);
    }
}
