package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one rule for untrusted text on its way to a terminal. */
class TerminalTextTest {
    @Test
    void plainTextAndPrintableUnicodeStay() {
        assertEquals("md_ELF.BIN at 0x7f00 (4096 bytes)", TerminalText.clean("md_ELF.BIN at 0x7f00 (4096 bytes)"));
        assertEquals("caf\u00e9 \u2603 \ud83d\ude00", TerminalText.clean("caf\u00e9 \u2603 \ud83d\ude00"));
    }

    @Test
    void lineBreaksAndTabsAreShownEscaped() {
        assertEquals("two\\nlines\\r\\tindented", TerminalText.clean("two\nlines\r\tindented"));
    }

    @Test
    void whatCouldDriveATerminalBecomesAQuestionMark() {
        assertEquals("?[31mred", TerminalText.clean("\u001b[31mred"), "ESC");
        assertEquals("a?b?c", TerminalText.clean("a\u0000b\u007fc"), "NUL and DEL");
        assertEquals("?2J", TerminalText.clean("\u009b2J"), "C1 CSI");
        assertEquals("?txt.exe", TerminalText.clean("\u202etxt.exe"), "bidirectional override");
        assertEquals("a?b", TerminalText.clean("a\u200bb"), "zero-width space");
        assertEquals("a?b?c", TerminalText.clean("a\u2028b\u2029c"), "line and paragraph separators");
        assertEquals("a?b?", TerminalText.clean("a\ud800b\udc00"), "lone surrogates");
        assertEquals("?", TerminalText.clean("\ue000"), "private use");
        assertEquals("?", TerminalText.clean("\u0378"), "unassigned");
    }

    @Test
    void nullIsEmpty() {
        assertEquals("", TerminalText.clean(null));
    }
}
