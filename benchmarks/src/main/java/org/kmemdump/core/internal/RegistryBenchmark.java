package org.kmemdump.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.backend.defaults.internal.DefaultBackend;
import org.kmemdump.backend.minidump.internal.MinidumpForBenchmarks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One zone registered and unregistered again, against the same pair on a {@link ConcurrentHashMap},
 * the cheapest thread-safe map the registry could have been. {@link #registryPairWithCoreImage()}
 * is the pair as the runtime does it: the coreimage ELF and VMCOREINFO zones rewritten on every change.
 *
 * <p>Every pair uses the fixed id {@link ZoneIds#USER_START} on an otherwise empty table and one
 * segment allocated up front from a shared arena, so no native allocation is timed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class RegistryBenchmark {
    private static final int ID = ZoneIds.USER_START;
    private static final String NAME = "bench";
    private static final Owner OWNER = new Owner(42, "benchmarks");

    private Arena arena;
    private MemorySegment memory;
    private ZoneTable withBackend;
    private ZoneTable withoutBackend;
    private ZoneTable withCoreImage;
    private ZoneTable withMinidump;
    private MinidumpForBenchmarks minidump;
    private ConcurrentHashMap<Integer, MemorySegment> map;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        memory = arena.allocate(4096);
        DefaultBackend backend = new DefaultBackend();
        withBackend = new ZoneTable(RegistryBenchmark::unexpected);
        withBackend.changeBackends(() -> { }, () -> backend);
        if (withBackend.activeBackend() != backend) {
            throw new IllegalStateException("the default backend did not become active");
        }
        withoutBackend = new ZoneTable(RegistryBenchmark::unexpected);
        withCoreImage = new ZoneTable(RegistryBenchmark::unexpected);
        withCoreImage.changeBackends(() -> { }, () -> backend);
        CoreImage coreImage = new CoreImage(arena, Host.current(), "bench");
        withCoreImage.listener(coreImage);
        try {
            withCoreImage.register(ZoneIds.ELF, "ELF", coreImage.elf(), OWNER);
            withCoreImage.register(ZoneIds.VMCOREINFO, "VMCOREINFO", coreImage.vmcoreinfo(), OWNER);
        } catch (ZoneRegistrationException e) {
            throw new IllegalStateException(e);
        }
        try {
            minidump = new MinidumpForBenchmarks();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        withMinidump = new ZoneTable(RegistryBenchmark::unexpected);
        withMinidump.changeBackends(() -> { }, minidump::backend);
        map = new ConcurrentHashMap<>();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (!withBackend.zones().isEmpty() || !withoutBackend.zones().isEmpty() || withCoreImage.zones().size() != 2
                || !map.isEmpty()) {
            throw new IllegalStateException("a pair left something behind");
        }
        withMinidump.changeBackends(() -> { }, () -> null);
        minidump.close();
        arena.close();
    }

    /** register + unregister on a table whose active backend is the real no-op {@link DefaultBackend} */
    @Benchmark
    public boolean registryPair() throws ZoneRegistrationException {
        withBackend.register(ID, NAME, memory, OWNER);
        return withBackend.unregister(ID, OWNER);
    }

    /** register + unregister on a table with no backend at all */
    @Benchmark
    public boolean registryPairNoBackend() throws ZoneRegistrationException {
        withoutBackend.register(ID, NAME, memory, OWNER);
        return withoutBackend.unregister(ID, OWNER);
    }

    /** register + unregister with the default backend and the coreimage kept current, as in the runtime */
    @Benchmark
    public boolean registryPairWithCoreImage() throws ZoneRegistrationException {
        withCoreImage.register(ID, NAME, memory, OWNER);
        return withCoreImage.unregister(ID, OWNER);
    }

    /** register + unregister with the real minidump backend active: a region appended, then removed */
    @Benchmark
    public boolean registryPairMinidump() throws ZoneRegistrationException {
        withMinidump.register(ID, NAME, memory, OWNER);
        return withMinidump.unregister(ID, OWNER);
    }

    /** put + remove of the same key and segment (47 is a cached Integer: nothing is boxed anew) */
    @Benchmark
    public MemorySegment chmPair() {
        map.put(ID, memory);
        return map.remove(ID);
    }

    private static void unexpected(String warning) {
        throw new IllegalStateException("unexpected registry warning: " + warning);
    }
}
