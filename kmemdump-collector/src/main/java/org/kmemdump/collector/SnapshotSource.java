package org.kmemdump.collector;

import java.nio.ByteBuffer;

/**
 * A zone's bytes copied once to the heap: the coreimage zones are checked and written from the
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
    public Outcome copy(Zone zone, Sink sink) throws Failure {
        sink.accept(ByteBuffer.wrap(bytes, 0, (int) Math.min(bytes.length, zone.size())).asReadOnlyBuffer());
        return Outcome.OK;
    }

    @Override
    public Outcome probe(Zone zone) {
        return Outcome.OK;
    }
}
