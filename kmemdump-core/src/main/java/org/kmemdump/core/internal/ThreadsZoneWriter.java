package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.THREADS;
import static org.kmemdump.format.KnownZones.THREADS_NAME;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.function.Consumer;

import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.format.ThreadsSnapshot;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsSnapshot.Trigger;

/**
 * Writes thread snapshots into the threads zone ({@link ThreadsSnapshot} documents the bytes). The
 * runtime allocates and registers the zone while it activates, beside its other zones, so a
 * listing right after start finds it; {@link ThreadWatch} decides when to write. The threads are
 * taken outside this writer's lock; only the copy into the zone holds it, and no other lock of the
 * runtime is ever taken.
 */
final class ThreadsZoneWriter {
    /** Room for about 1000 threads of 32 frames in each buffer. */
    static final long DEFAULT_SIZE = 8L << 20;
    static final int DEFAULT_DEPTH = 32;

    private ThreadsSnapshot zone;

    private ThreadsZoneWriter(MemorySegment memory) {
        this.zone = ThreadsSnapshot.create(memory);
    }

    /**
     * Allocates and registers the threads zone, without a snapshot yet.
     *
     * @param problem told why there is no zone, when there is none
     * @return the zone's writer, or null when {@code size} is 0 or out of bounds (a warning then)
     */
    static ThreadsZoneWriter start(SegmentAllocator memory, long size, long arenaSize, ZoneTable table, Owner owner,
            Consumer<String> problem, Consumer<String> warn) throws ZoneRegistrationException {
        if (size == 0) {
            problem.accept("the threads zone is disabled: threads.size is 0 in PID " + KmemdumpRuntime.PID);
            return null;
        }
        if (size < ThreadsSnapshot.MIN_ZONE_SIZE || size > arenaSize) {
            String why = "no threads zone: threads.size " + size + " must be between " + ThreadsSnapshot.MIN_ZONE_SIZE
                    + " and arena.size " + arenaSize;
            problem.accept(why);
            warn.accept(why);
            return null;
        }
        MemorySegment zone;
        try {
            zone = memory.allocate(size, 8);
        } catch (RuntimeException e) {
            String why = "no threads zone: " + e.getMessage();
            problem.accept(why);
            warn.accept(why + "; lower threads.size or raise arena.size");
            return null;
        }
        ThreadsZoneWriter writer = new ThreadsZoneWriter(zone);
        table.register(THREADS, THREADS_NAME, zone, owner);
        return writer;
    }

    /**
     * @param depth frames kept per thread
     * @return the snapshot taken and written (with its sequence), or {@code null} once closed
     */
    Snapshot snapshot(Trigger trigger, int depth) {
        Snapshot taken = ThreadDump.take(depth, trigger);
        synchronized (this) {
            if (zone == null) {
                return null;
            }
            long sequence = zone.write(taken);
            return new Snapshot(sequence, taken.time(), taken.tookNanos(), trigger, taken.threads(), taken.threadsOmitted());
        }
    }

    /** Stops writing: once this returns, the zone's memory is never touched again and may be freed. */
    synchronized void close() {
        zone = null;
    }
}
