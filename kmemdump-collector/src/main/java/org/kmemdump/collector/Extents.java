package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import org.kmemdump.format.LogRing;

/**
 * Where a file holds data, as ascending, disjoint ranges; the rest are holes, which read as zeros.
 * Readers skip the holes instead of reading them: work and memory then follow the data present,
 * not what a length field claims.
 */
final class Extents {
    private final long[] starts;
    private final long[] ends;
    private final long length;

    Extents(List<long[]> ranges, long length) {
        this.starts = ranges.stream().mapToLong(range -> range[0]).toArray();
        this.ends = ranges.stream().mapToLong(range -> range[1]).toArray();
        this.length = length;
    }

    /** @return a file with no holes */
    static Extents whole(long length) {
        return new Extents(List.of(new long[] {0, length}), length);
    }

    /** @return the first offset at or after {@code offset} that holds data, or the file's length */
    long dataFrom(long offset) {
        int range = rangeEndingAfter(offset);
        return range == starts.length ? Math.max(offset, length) : Math.max(offset, starts[range]);
    }

    /** @return the first offset at or after {@code offset} that is a hole, or the file's length */
    long holeFrom(long offset) {
        int range = rangeEndingAfter(offset);
        return range == starts.length || starts[range] > offset ? offset : ends[range];
    }

    /** @return the index of the first range that ends after {@code offset} */
    private int rangeEndingAfter(long offset) {
        int low = 0;
        int high = ends.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (ends[middle] <= offset) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /**
     * @return a heap copy of {@code size} bytes of {@code file} (a mapping of this file) at
     *         {@code offset}: the data copied, the holes left zeros without being read
     */
    byte[] copy(MemorySegment file, long offset, int size) {
        byte[] bytes = new byte[size];
        for (long at = offset; at < offset + size; ) {
            long data = Math.min(dataFrom(at), offset + size);
            long hole = Math.min(holeFrom(data), offset + size);
            MemorySegment.copy(file, ValueLayout.JAVA_BYTE, data, bytes, (int) (data - offset), (int) (hole - data));
            at = Math.max(hole, data + 1);
        }
        return bytes;
    }

    /** @return the data a log ring's data area, at file offset {@code dataArea}, holds */
    LogRing.Present from(long dataArea) {
        return new LogRing.Present() {
            @Override
            public long from(long offset) {
                return dataFrom(dataArea + offset) - dataArea;
            }

            @Override
            public long until(long offset) {
                return holeFrom(dataArea + offset) - dataArea;
            }
        };
    }
}
