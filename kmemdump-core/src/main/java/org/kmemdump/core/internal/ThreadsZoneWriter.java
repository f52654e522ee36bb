package org.kmemdump.core.internal;

import java.lang.foreign.MemorySegment;

import org.kmemdump.format.ThreadsSnapshot;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsSnapshot.Trigger;

/**
 * Writes thread snapshots into the threads zone ({@link ThreadsSnapshot} documents the bytes). The
 * threads are taken outside this writer's lock; only the copy into the zone holds it, and no other
 * lock of the runtime is ever taken.
 */
final class ThreadsZoneWriter {
    /** Room for about 1000 threads of 32 frames in each half. */
    static final long DEFAULT_SIZE = 8L << 20;
    static final int DEFAULT_DEPTH = 32;

    private final int depth;
    private ThreadsSnapshot zone;

    ThreadsZoneWriter(MemorySegment memory, int depth) {
        this.zone = ThreadsSnapshot.create(memory);
        this.depth = depth;
    }

    /** @return the snapshot taken and written (with its sequence), or {@code null} once closed */
    Snapshot snapshot(Trigger trigger) {
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
