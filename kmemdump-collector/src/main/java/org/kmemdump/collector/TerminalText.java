package org.kmemdump.collector;

import java.util.Map;

/**
 * The one rule for text from untrusted files (zone names, log messages, paths and values quoted in
 * messages) on its way to a terminal or a text report: it stays on one line and cannot drive the
 * terminal. Line breaks and tabs show as {@code \n}, {@code \r}, {@code \t}, so a message keeps its
 * shape and a name cannot forge a report line; every other character that is not plain text shows
 * as {@code ?}: C0 and C1 controls and DEL (escape sequences), format characters (bidirectional
 * overrides, zero-width marks), line and paragraph separators, lone surrogates, private-use and
 * unassigned code points. Printable Unicode stays: log messages are people's text.
 */
public final class TerminalText {
    static final char UNSAFE = '?';
    private static final Map<Integer, String> SHOWN_ESCAPED = Map.of((int) '\n', "\\n", (int) '\r', "\\r", (int) '\t', "\\t");

    private TerminalText() {
    }

    /** @return the text, safe as above; {@code ""} for {@code null} */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(codePoint -> { // a lone surrogate comes as itself, and is not safe
            String shown = SHOWN_ESCAPED.get(codePoint);
            if (shown != null) {
                clean.append(shown);
            } else if (safe(codePoint)) {
                clean.appendCodePoint(codePoint);
            } else {
                clean.append(UNSAFE);
            }
        });
        return clean.toString();
    }

    private static boolean safe(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE,
                    Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }
}
