package org.kmemdump.collector;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Streams one region at a time from its source into the core file at the file's current position,
 * and into its {@code md_<name>.BIN} when bins are asked for: one read serves both, so the two
 * always hold the same bytes. Without bins, bytes that lie in a file go from it to the core by the
 * kernel's copy, never through a buffer of ours.
 */
final class ZoneCopier {
    /** @param bytes how many bytes went into the core (all of them, or the readable prefix) */
    record Copied(Outcome outcome, long bytes) {
    }

    private final OutputFile core;
    private final BinFiles bins;
    private final Progress progress;

    /** @param bins {@code null} for no bins */
    ZoneCopier(OutputFile core, BinFiles bins, Progress progress) {
        this.core = core;
        this.bins = bins;
        this.progress = progress;
    }

    /** @throws Failure only when an output file cannot be written */
    Copied copy(PlannedZone planned) throws Failure {
        return planned.source() == null ? new Copied(planned.unavailable(), 0) : copy(planned.zone(), planned.source());
    }

    Copied copy(Zone zone, Source source) throws Failure {
        BinFiles.Bin bin = bins == null ? BinFiles.Bin.NONE : bins.open(zone);
        long[] copied = {0};
        try {
            Outcome read = source.copy(zone, new Sink() {
                @Override
                public void accept(ByteBuffer chunk) throws Failure {
                    int length = chunk.remaining();
                    core.write(chunk.duplicate());
                    bin.write(chunk);
                    copied[0] += length;
                    progress.advance(length);
                }

                @Override
                public boolean takesFiles() {
                    return bins == null;
                }

                @Override
                public long transfer(FileChannel file, long position, long length) throws Failure {
                    long taken = core.transferFrom(file, position, length);
                    copied[0] += taken;
                    progress.advance(taken);
                    return taken;
                }

                @Override
                public void skip(long length) throws Failure {
                    core.skip(length);
                    bin.skip(length);
                    copied[0] += length;
                    progress.advance(length);
                }
            });
            progress.advance(zone.size() - copied[0]);
            if (!read.ok()) {
                return new Copied(read, copied[0]);
            }
            bin.commit();
        } finally {
            bin.discard();
        }
        if (bin.refusal() != null) {
            return new Copied(Outcome.refused(bin.refusal() + "; its bytes are in the core"), copied[0]);
        }
        return new Copied(Outcome.OK, copied[0]);
    }
}
