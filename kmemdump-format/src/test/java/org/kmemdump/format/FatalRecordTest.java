package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** fatal.txt against its documented text. */
class FatalRecordTest {
    private static final FatalRecord RECORD = new FatalRecord(FatalRecord.Event.FATAL_ERROR, 4242,
            Instant.parse("2026-12-02T01:23:45.123Z"), "/d/hs_err_pid4242.log", "SIGSEGV (0xb) at pc=0x0, pid=4242\ntid=1", "collecting");

    @Test
    void documentedText() {
        assertEquals("""
                event: fatal-error
                pid: 4242
                time: 2026-12-02T01:23:45.123Z
                hs_err: /d/hs_err_pid4242.log
                error: SIGSEGV (0xb) at pc=0x0, pid=4242 tid=1
                core: collecting
                """, RECORD.text());
    }

    @Test
    void readBack() {
        FatalRecord read = FatalRecord.parse(RECORD.withCore("fatal.elf: 9 zones").text() + "later: key\n", "fatal.txt");
        assertEquals(FatalRecord.Event.FATAL_ERROR, read.event());
        assertEquals(4242, read.pid());
        assertEquals(RECORD.time(), read.time());
        assertEquals("/d/hs_err_pid4242.log", read.hsErr());
        assertEquals("fatal.elf: 9 zones", read.core());
        FatalRecord oom = FatalRecord.parse("event: out-of-memory\npid: 1\ntime: 2026-12-02T01:23:45Z\nhs_err: none\n", "f");
        assertEquals(null, oom.hsErr(), "none is no file");
        assertEquals(null, oom.error());
    }

    @Test
    void badTextNamesWhatIsWrong() {
        assertMessage("event is 'crash'", "event: crash\npid: 1\ntime: 2026-12-02T01:23:45Z\n");
        assertMessage("pid 'x'", "event: fatal-error\npid: x\ntime: 2026-12-02T01:23:45Z\n");
        assertMessage("time 'null'", "event: fatal-error\npid: 1\n");
        assertMessage("event is 'null'", "");
    }

    private static void assertMessage(String part, String text) {
        String message = assertThrows(IllegalArgumentException.class, () -> FatalRecord.parse(text, "fatal.txt")).getMessage();
        assertTrue(message.startsWith("fatal.txt: ") && message.contains(part), message);
    }
}
