package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ArenaAllocatorTest {
    private final ArenaAllocator allocator = new ArenaAllocator(4096, 4096 + 1024);

    @Test
    void firstFitInGranules() {
        assertEquals(4096, allocator.allocate(1));
        assertEquals(4096 + 64, allocator.allocate(65));
        assertEquals(4096 + 192, allocator.allocate(64));
        assertEquals(1024 - 256, allocator.freeBytes());
    }

    @Test
    void freedNeighboursMergeAndAreReused() {
        long a = allocator.allocate(256);
        long b = allocator.allocate(256);
        long c = allocator.allocate(256);
        allocator.free(a, 256);
        allocator.free(c, 256);
        assertEquals(512, allocator.largestFreeBlock(), "c merged with the tail");
        allocator.free(b, 256);
        assertEquals(1024, allocator.largestFreeBlock(), "everything is one block again");
        assertEquals(4096, allocator.allocate(1024));
    }

    /** Random allocations and frees against a byte map of who owns what: no overlap, nothing lost. */
    @Test
    void randomUseNeverHandsOutABlockTwice() {
        ArenaAllocator big = new ArenaAllocator(0, 64 * 1024);
        java.util.Random random = new java.util.Random(7);
        java.util.Map<Long, Long> live = new java.util.HashMap<>();
        boolean[] owned = new boolean[64 * 1024 / 64];
        for (int step = 0; step < 20_000; step++) {
            if (live.isEmpty() || random.nextInt(3) > 0) {
                long size = 1 + random.nextInt(4000);
                long offset = big.allocate(size);
                if (offset >= 0) {
                    for (long granule = offset / 64; granule < (offset + ArenaAllocator.roundUp(size)) / 64; granule++) {
                        assertEquals(false, owned[(int) granule], "granule " + granule + " handed out twice at step " + step);
                        owned[(int) granule] = true;
                    }
                    live.put(offset, size);
                }
            } else {
                long offset = live.keySet().stream().skip(random.nextInt(live.size())).findFirst().orElseThrow();
                long size = live.remove(offset);
                big.free(offset, size);
                for (long granule = offset / 64; granule < (offset + ArenaAllocator.roundUp(size)) / 64; granule++) {
                    owned[(int) granule] = false;
                }
            }
        }
        live.forEach(big::free);
        assertEquals(64 * 1024, big.freeBytes());
        assertEquals(64 * 1024, big.largestFreeBlock(), "everything merged back into one block");
    }

    @Test
    void fullAndDoubleFree() {
        assertEquals(-1, allocator.allocate(1025));
        long a = allocator.allocate(64);
        allocator.free(a, 64);
        assertThrows(IllegalStateException.class, () -> allocator.free(a, 64));
    }
}
