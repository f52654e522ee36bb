package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RecordTextTest {
    /** Chars that take each UTF-8 length, NUL, and both halves of a pair, alone and together. */
    private static final String ALPHABET = "a\0\u00e9\u07ff\u0800\u20ac\uffff\ud83d\ude00\ud800\udfff";

    /** The definition RecordText replaces: one concatenated string, NULs in a text made spaces, then cut. */
    private static byte[] expected(String bundle, String message, String exception, int limit) {
        byte[] all = (clean(bundle) + '\0' + clean(message) + '\0' + clean(exception)).getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(all, Math.min(all.length, limit));
    }

    private static String clean(String text) {
        return text == null ? "" : text.replace('\0', ' ');
    }

    private static byte[] encoded(String bundle, String message, String exception, int limit) {
        int start = 5;
        byte[] buffer = new byte[start + (int) Math.min(limit, RecordText.longestEncoding(bundle, message, exception))
                + RecordText.LONGEST_CHAR];
        char[] chars = new char[RecordText.scratchChars(bundle, message, exception, limit)];
        int end = RecordText.encode(buffer, start, chars, bundle, message, exception, start + limit);
        return Arrays.copyOfRange(buffer, start, Math.min(end, start + limit));
    }

    @Test
    void theBytesAreThoseOfTheConcatenatedStringCutAtEveryLimit() {
        Random random = new Random(11);
        for (int round = 0; round < 2000; round++) {
            String bundle = random.nextInt(5) == 0 ? null : text(random);
            String message = text(random);
            String exception = random.nextInt(3) == 0 ? "" : text(random);
            int full = expected(bundle, message, exception, Integer.MAX_VALUE).length;
            for (int limit : new int[] {0, 1, random.nextInt(full + 1), full - 1, full, full + 7}) {
                if (limit >= 0) {
                    assertArrayEquals(expected(bundle, message, exception, limit), encoded(bundle, message, exception, limit),
                            "texts " + bundle + " | " + message + " | " + exception + ", limit " + limit);
                }
            }
        }
    }

    @Test
    void anUnpairedSurrogateAtTheEndOfATextIsAQuestionMark() {
        assertArrayEquals(expected("b\ud800", "m\udc00x", "\ud83d", 100), encoded("b\ud800", "m\udc00x", "\ud83d", 100));
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }
}
