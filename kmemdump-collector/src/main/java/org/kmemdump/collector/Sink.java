package org.kmemdump.collector;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Where a region's bytes go, a chunk at a time, in order. */
interface Sink {
    /** @param chunk the next bytes, between position and limit; valid only during the call */
    void accept(ByteBuffer chunk) throws Failure;

    /** The next {@code length} bytes are zeros that the source holds as a hole: the output keeps them a hole. */
    void skip(long length) throws Failure;

    /** @return whether {@link #transfer} may be used: the bytes then pass through no buffer of ours */
    boolean takesFiles();

    /**
     * Takes the next bytes straight from {@code file} at {@code position}, copied by the kernel.
     *
     * @return the bytes taken: fewer than {@code length} only when the file ends early
     */
    long transfer(FileChannel file, long position, long length) throws Failure;
}
