package org.kmemdump.collector;

import java.nio.ByteBuffer;

import org.kmemdump.format.MinidumpTable.Region;

/**
 * A region's bytes copied once to the heap: the coreimage zones are checked and written from the
 * same copy, so a live owner rewriting them cannot make the output disagree with the check.
 */
final class SnapshotSource implements Source {
    private final byte[] bytes;

    SnapshotSource(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public String label() {
        return "arena";
    }

    @Override
    public String copy(Region region, Sink sink) throws Failure {
        sink.accept(ByteBuffer.wrap(bytes, 0, (int) Math.min(bytes.length, region.size())).asReadOnlyBuffer());
        return null;
    }

    @Override
    public String probe(Region region) {
        return null;
    }
}
