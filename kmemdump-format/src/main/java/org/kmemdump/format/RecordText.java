package org.kmemdump.format;

/**
 * A log ring record's text, encoded straight into the writer's buffer: UTF-8 of the bundle name,
 * NUL, the message, NUL, the exception, each NUL inside a text replaced by a space, so the two NULs
 * always separate the three. The bytes are exactly those of
 * {@code (bundle + '\0' + message + '\0' + exception).getBytes(UTF_8)} with the same replacement,
 * an unpaired surrogate included ({@code '?'}), without the concatenated string and the array a
 * record would otherwise allocate.
 */
final class RecordText {
    /** The most bytes one char (a surrogate pair: two chars) adds; an encoding may run this far past its stop. */
    static final int LONGEST_CHAR = 4;

    private RecordText() {
    }

    /** @return an upper bound of the encoded length: 3 bytes per char at most, and the two NULs */
    static long longestEncoding(String bundle, String message, String exception) {
        return 3L * (length(bundle) + length(message) + length(exception)) + 2;
    }

    /**
     * Encodes the text into {@code buffer} from {@code start}, stopping once {@code stop} is
     * reached: the char that crosses it is written whole, so the buffer needs {@link #LONGEST_CHAR}
     * bytes of room past {@code stop}. {@code chars} is scratch space for the texts' chars, copied
     * out of each string at once rather than read one {@code charAt} at a time.
     *
     * @return the offset after the last byte written
     */
    static int encode(byte[] buffer, int start, char[] chars, String bundle, String message, String exception, int stop) {
        int at = encode(buffer, start, chars, bundle, stop);
        if (at < stop) {
            buffer[at++] = 0;
        }
        at = encode(buffer, at, chars, message, stop);
        if (at < stop) {
            buffer[at++] = 0;
        }
        return encode(buffer, at, chars, exception, stop);
    }

    /** @return how many chars of scratch space {@link #encode} needs: no text's chars beyond {@code limit} bytes are read */
    static int scratchChars(String bundle, String message, String exception, int limit) {
        return (int) Math.min(limit + 1L, Math.max(length(bundle), Math.max(length(message), length(exception))));
    }

    private static int encode(byte[] buffer, int at, char[] chars, String text, int stop) {
        if (text == null || at >= stop) {
            return at;
        }
        // a char is at least one byte: the chars beyond the stop are never needed, but a pair's second half may be
        int length = (int) Math.min(text.length(), stop - at + 1L);
        text.getChars(0, length, chars, 0);
        for (int i = 0; i < length && at < stop; i++) {
            char c = chars[i];
            if (c < 0x80) {
                buffer[at++] = c == 0 ? (byte) ' ' : (byte) c;
            } else if (c < 0x800) {
                buffer[at++] = (byte) (0xC0 | c >> 6);
                buffer[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(chars[i + 1])) {
                    int codePoint = Character.toCodePoint(c, chars[++i]);
                    buffer[at++] = (byte) (0xF0 | codePoint >> 18);
                    buffer[at++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
                    buffer[at++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
                    buffer[at++] = (byte) (0x80 | codePoint & 0x3F);
                } else {
                    buffer[at++] = '?'; // what String.getBytes(UTF_8) writes for an unpaired surrogate
                }
            } else {
                buffer[at++] = (byte) (0xE0 | c >> 12);
                buffer[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                buffer[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return at;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
