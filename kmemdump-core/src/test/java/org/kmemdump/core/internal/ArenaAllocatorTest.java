package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -64, Long.MIN_VALUE})
    void aSizeBelowOneByteIsRefused(long size) {
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(size));
        assertEquals(1024, allocator.freeBytes());
        assertEquals(1024, allocator.largestFreeBlock());
    }

    /** Freeing what cannot be an allocated block (free in part or whole, outside the space) is refused and changes nothing. */
    @Test
    void freeingWhatWasNotAllocatedIsRefused() {
        long a = allocator.allocate(128);
        long b = allocator.allocate(64);
        allocator.free(b, 64);
        for (long[] block : new long[][] {{a, 256}, {b, 64}, {b + 64, 64}, {0, 64}, {4096 + 1024, 64}, {a, Long.MAX_VALUE}, {a, 0}}) {
            assertThrows(IllegalStateException.class, () -> allocator.free(block[0], block[1]), block[0] + "+" + block[1]);
            assertEquals(1024 - 128, allocator.freeBytes());
        }
        allocator.free(a, 128);
        assertEquals(1024, allocator.largestFreeBlock());
    }

    /**
     * Property check over random sizes mixed with the extremes (issue 10, defect 3: Long.MAX_VALUE wrapped the rounding):
     * after every step each live block lies inside the zone space and overlaps no other, the free bytes are the space
     * less the live blocks (never negative, never more), a refused size changes nothing, and freeing everything gives
     * back one block.
     */
    @Test
    void anySizeEitherFitsOrChangesNothing() {
        long start = 4096 + 40; // not a granule multiple, like the arena's zone space
        long end = start + (1 << 20) + 13;
        ArenaAllocator space = new ArenaAllocator(start, end);
        long first = ArenaAllocator.roundUp(start);
        long capacity = end - first;
        long[] extremes = {1, 63, 64, 65, capacity - 1, capacity, capacity + 1, Integer.MAX_VALUE, Long.MAX_VALUE / 2,
            Long.MAX_VALUE - 64, Long.MAX_VALUE - 63, Long.MAX_VALUE - 62, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        SplittableRandom random = new SplittableRandom(10);
        Map<Long, Long> live = new HashMap<>();
        List<Long> offsets = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (offsets.isEmpty() || random.nextInt(3) > 0) {
                long size = switch (random.nextInt(4)) {
                    case 0 -> extremes[random.nextInt(extremes.length)];
                    case 1 -> random.nextLong(1, Long.MAX_VALUE);
                    default -> random.nextLong(1, 16 * 1024);
                };
                long freeBefore = space.freeBytes();
                long largestBefore = space.largestFreeBlock();
                long offset = space.allocate(size);
                if (offset < 0) {
                    assertEquals(freeBefore, space.freeBytes(), "refusing " + size + " changed the free bytes at step " + step);
                    assertEquals(largestBefore, space.largestFreeBlock(), "refusing " + size + " changed the free list at step " + step);
                    assertTrue(size > (largestBefore & -ArenaAllocator.GRANULE),
                            size + " bytes were refused with a free block of " + largestBefore + " at step " + step);
                    continue;
                }
                long length = ArenaAllocator.roundUp(size);
                assertTrue(offset >= first && length <= end - offset, "block " + offset + "+" + size + " lies outside the space");
                for (Map.Entry<Long, Long> other : live.entrySet()) {
                    long otherEnd = other.getKey() + ArenaAllocator.roundUp(other.getValue());
                    assertTrue(offset + length <= other.getKey() || offset >= otherEnd,
                            "block " + offset + "+" + size + " overlaps " + other + " at step " + step);
                }
                live.put(offset, size);
                offsets.add(offset);
            } else {
                long offset = offsets.remove(random.nextInt(offsets.size()));
                space.free(offset, live.remove(offset));
            }
            long used = live.values().stream().mapToLong(ArenaAllocator::roundUp).sum();
            assertEquals(capacity - used, space.freeBytes(), "free bytes at step " + step);
            assertTrue(space.largestFreeBlock() >= 0 && space.largestFreeBlock() <= space.freeBytes(), "largest block at step " + step);
        }
        live.forEach(space::free);
        assertEquals(capacity, space.freeBytes());
        assertEquals(capacity, space.largestFreeBlock(), "everything merged back into one block");
    }
}
