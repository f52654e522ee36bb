package org.kmemdump.benchmarks;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 200 zones into and out of the minidump backend's table as the registry moves them on a backend
 * swap, through the real minidump bundle's {@link Backend} service: registered one by one in
 * ascending id order (the kernel's per-call semantics: a duplicate is refused), then all
 * unregistered with one {@link Backend#unregisterRegions} call. A no-op backend outranks it, so the registry keeps
 * its own zones elsewhere and the table holds only these. The framework's part of a swap is in
 * {@link SwapBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class MinidumpTableBenchmark {
    private EmbeddedRuntime runtime;
    private Arena arena;
    private Backend minidump;
    private Region[] regions;
    private List<Region> all;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        runtime = EmbeddedRuntime.start(List.of("backend-default", "backend-minidump"));
        runtime.register(new NoOpBackend("noop"), Integer.MAX_VALUE);
        runtime.expectActive("noop");
        minidump = runtime.backend("minidump");
        arena = Arena.ofShared();
        regions = new Region[SwapBenchmark.ZONES];
        for (int i = 0; i < regions.length; i++) {
            regions[i] = new Region(i + 1, "zone-" + (i + 1), arena.allocate(64));
        }
        all = List.of(regions);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            // a table left holding any of them would refuse the first as a duplicate
            minidump.registerRegion(regions[0]);
            minidump.unregisterRegion(regions[0]);
        } finally {
            runtime.close();
            arena.close();
        }
    }

    /** all 200 in, ascending, then all out at once */
    @Benchmark
    public int minidumpTableSwap() throws RegionRefusedException {
        for (Region region : regions) {
            minidump.registerRegion(region);
        }
        minidump.unregisterRegions(all);
        return regions.length;
    }
}
