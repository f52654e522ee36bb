package org.kmemdump.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;

/** Text in a fixed-size field, NUL-terminated and NUL-padded, as the C structs of these formats hold it. */
final class CString {
    private CString() {
    }

    /** @return the field's bytes up to the first NUL (or all of them), decoded */
    static String read(MemorySegment segment, long field, int length, Charset charset) {
        byte[] bytes = segment.asSlice(field, length).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, charset);
    }

    /** Writes as many of {@code bytes} as leave room for a terminating NUL, and zeroes the rest of the field. */
    static void write(MemorySegment segment, long field, int length, byte[] bytes) {
        segment.asSlice(field, length).fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, field, Math.min(bytes.length, length - 1));
    }
}
