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

    @Test
    void fullAndDoubleFree() {
        assertEquals(-1, allocator.allocate(1025));
        long a = allocator.allocate(64);
        allocator.free(a, 64);
        assertThrows(IllegalStateException.class, () -> allocator.free(a, 64));
    }
}
