package org.kmemdump.collector;

/** Told how far a collection is, as its bytes are copied: the command line draws a bar, the runtime nothing. */
public interface Progress {
    /** Shows nothing. */
    Progress NONE = new Progress() {
        @Override
        public void start(long total) {
        }

        @Override
        public void advance(long bytes) {
        }

        @Override
        public void finish() {
        }
    };

    /** Called once, before any byte is copied. @param total the bytes the readable zones hold */
    void start(long total);

    /** @param bytes how many more bytes were copied, or given up on */
    void advance(long bytes);

    /** Called once at the end, also when the collection failed. */
    void finish();
}
