package org.kmemdump.benchmarks;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
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
import org.osgi.framework.ServiceRegistration;

/**
 * A backend swap on a full table, driven as a framework drives it: a real runtime (Felix in this
 * process, the core and the default backend bundle) holds 200 zones (its own, ids 1 to 7, and ids
 * 8 to 200 registered through the {@link ZoneRegistry} service), and the benchmark registers a
 * no-op {@link Backend} service whose {@code service.ranking} it moves
 * ({@link ServiceRegistration#setProperties}) above and below a second backend's, so the core
 * swaps on every call: 200 unregisters from the active backend, 200 registers with the other.
 * The second backend is another no-op service of the benchmark's, or the real minidump backend
 * bundle (ranking 100), whose table every other swap fills and the next one empties.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SwapBenchmark {
    static final int ZONES = ZoneIds.MAX_ZONES - 1;
    /** The second backend's ranking: the minidump backend's default. */
    private static final int SECOND = 100;
    private static final int BELOW = SECOND - 1;
    private static final int ABOVE = SECOND + 1;

    /** The second backend: {@code noop} (the benchmark's) or {@code minidump} (the real bundle). */
    @Param({"noop", "minidump"})
    public String backend;

    private EmbeddedRuntime runtime;
    private Arena arena;
    private NoOpBackend swapped;
    private ServiceRegistration<Backend> swappedRegistration;
    private boolean swappedActive;
    private long swaps;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        runtime = EmbeddedRuntime.start(backend.equals("minidump") ? List.of("backend-default", "backend-minidump")
                : List.of("backend-default"));
        if (backend.equals("noop")) {
            runtime.register(new NoOpBackend("noop"), SECOND);
        }
        runtime.expectActive(backend);
        arena = Arena.ofShared();
        ZoneRegistry registry = runtime.registry();
        // every id the runtime left free: its own ids need not be contiguous (1 to 7 and 9)
        Set<Integer> taken = registry.zones().stream().map(Zone::id).collect(Collectors.toSet());
        for (int id = 1; id < ZoneIds.MAX_ZONES; id++) {
            if (!taken.contains(id)) {
                registry.register(id, "zone-" + id, arena.allocate(64));
            }
        }
        if (registry.zones().size() != ZONES) {
            throw new IllegalStateException(registry.zones().size() + " zones, expected " + ZONES);
        }
        swapped = new NoOpBackend("swapped");
        swappedRegistration = runtime.register(swapped, BELOW);
        runtime.expectActive(backend);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            runtime.expectActive(swappedActive ? "swapped" : backend);
            long activations = (swaps + 1) / 2;
            if (swaps == 0 || swapped.held() != (swappedActive ? ZONES : 0) || swapped.registered() != activations * ZONES
                    || runtime.registry().zones().size() != ZONES) {
                throw new IllegalStateException("after " + swaps + " swaps the swapped backend holds " + swapped.held()
                        + " regions and was given " + swapped.registered() + ", the registry has "
                        + runtime.registry().zones().size() + " zones: the swaps lost or missed zones");
            }
        } finally {
            runtime.close();
            arena.close();
        }
    }

    /** one swap: 200 unregisters from the active backend, 200 registers with the other */
    @Benchmark
    public boolean swap() {
        swappedActive = !swappedActive;
        swappedRegistration.setProperties(EmbeddedRuntime.ranking(swappedActive ? ABOVE : BELOW));
        swaps++;
        return swappedActive;
    }
}
