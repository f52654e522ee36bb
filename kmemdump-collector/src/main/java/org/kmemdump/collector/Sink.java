package org.kmemdump.collector;

import java.nio.ByteBuffer;

/** Where a region's bytes go, a chunk at a time, in order. */
@FunctionalInterface
interface Sink {
    /** @param chunk the next bytes, between position and limit; valid only during the call */
    void accept(ByteBuffer chunk) throws Failure;
}
