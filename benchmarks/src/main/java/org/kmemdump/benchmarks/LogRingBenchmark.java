package org.kmemdump.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.kmemdump.format.LogRing;
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
 * The log ring's own append rate: one typical record appended to a 1 MiB ring (the default size,
 * wrapping as in a long-running runtime), against a plain copy of as many bytes into the same kind
 * of memory, measured in the same run: what the record format costs over moving its bytes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class LogRingBenchmark {
    private static final long RING_BYTES = 1 << 20;
    private static final String BUNDLE = "org.example.app";
    private static final String MESSAGE = "request 4711 served in 17 ms";

    private Arena arena;
    private LogRing ring;
    private MemorySegment source;
    private MemorySegment target;
    private long recordBytes;
    private long copyAt;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        ring = LogRing.create(arena.allocate(RING_BYTES, 8));
        long before = ring.head();
        ring.append(System.currentTimeMillis(), 42, LogRing.Level.INFO, BUNDLE, MESSAGE, "");
        recordBytes = ring.head() - before;
        source = arena.allocate(recordBytes, 8);
        source.fill((byte) 'x');
        target = arena.allocate(RING_BYTES, 8);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ring.walk().entries().isEmpty()) {
            throw new IllegalStateException("the ring has no records after the appends");
        }
        arena.close();
    }

    /** one record (level, time, bundle id and name, message) appended as the core's log listener appends it */
    @Benchmark
    public long ringAppend() {
        ring.append(42_000L, 42, LogRing.Level.INFO, BUNDLE, MESSAGE, "");
        return ring.head();
    }

    /** the same number of bytes copied into the next place of a buffer of the ring's size */
    @Benchmark
    public long plainCopy() {
        MemorySegment.copy(source, 0, target, copyAt, recordBytes);
        copyAt = copyAt + 2 * recordBytes > RING_BYTES ? 0 : copyAt + recordBytes;
        return copyAt;
    }
}
