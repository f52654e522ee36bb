package org.kmemdump.collector;

import java.nio.ByteBuffer;

/** Where a region's bytes go, a chunk at a time, in order. */
interface Sink {
    /** @param chunk the next bytes, between position and limit; valid only during the call */
    void accept(ByteBuffer chunk) throws Failure;

    /** The next {@code length} bytes are zeros that the source holds as a hole: the output keeps them a hole. */
    void skip(long length) throws Failure;
}
