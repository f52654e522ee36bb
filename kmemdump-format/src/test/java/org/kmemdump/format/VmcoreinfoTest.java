package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The VMCOREINFO text against lines written out by hand from its documented syntax. */
class VmcoreinfoTest {
    private static final String TEXT = """
            OSRELEASE=kmemdump-0.1.0 java-25
            PAGESIZE=4096
            PID=1234
            KMEMDUMP_BACKEND=minidump
            KMEMDUMP_ZONES=2
            ZONE(1)=ELF,0x7f00aa000000,41096
            ZONE(49)=my.zone-1,0xffffffffffffff00,3
            """;

    private static byte[] zone(String text, int padding) {
        return Arrays.copyOf(text.getBytes(StandardCharsets.ISO_8859_1), text.length() + padding);
    }

    private static String malformed(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Vmcoreinfo.parse(zone(text, 8))).getMessage();
    }

    @Test
    void theWriterWritesKeyLinesThenZoneLines() {
        String text = Vmcoreinfo.writer()
                .key(Vmcoreinfo.OSRELEASE, "kmemdump-0.1.0 java-25")
                .key(Vmcoreinfo.PAGESIZE, 4096)
                .key(Vmcoreinfo.PID, 1234L)
                .key(Vmcoreinfo.BACKEND, "minidump")
                .key(Vmcoreinfo.ZONES, 2)
                .zone(1, "ELF", 0x7f00aa000000L, 41096)
                .zone(49, "my.zone-1", 0xffffffffffffff00L, 3)
                .text();
        assertEquals(TEXT, text);
    }

    @Test
    void theParserReadsWhatTheWriterWrote() {
        Vmcoreinfo parsed = Vmcoreinfo.parse(zone(TEXT, 100));
        assertEquals(Map.of("OSRELEASE", "kmemdump-0.1.0 java-25", "PAGESIZE", "4096", "PID", "1234", "KMEMDUMP_BACKEND", "minidump",
                "KMEMDUMP_ZONES", "2"), parsed.keys());
        assertEquals(List.of("OSRELEASE", "PAGESIZE", "PID", "KMEMDUMP_BACKEND", "KMEMDUMP_ZONES"), List.copyOf(parsed.keys().keySet()));
        assertEquals(List.of(new Vmcoreinfo.Zone(1, "ELF", 0x7f00aa000000L, 41096),
                new Vmcoreinfo.Zone(49, "my.zone-1", 0xffffffffffffff00L, 3)), parsed.zones());
        assertEquals(Optional.of("minidump"), parsed.value(Vmcoreinfo.BACKEND));
        assertEquals(Optional.empty(), parsed.value("NOT_THERE"));
        assertEquals("ZONE(49)=my.zone-1,0xffffffffffffff00,3", parsed.zones().get(1).line());
    }

    @Test
    void zonesComeInIdOrderAndTheTextEndsAtTheFirstNul() {
        byte[] zone = zone("ZONE(9)=b,0x10,1\nZONE(3)=a,0x20,2\n\0GARBAGE here", 0);
        assertEquals(List.of(3, 9), Vmcoreinfo.parse(zone).zones().stream().map(Vmcoreinfo.Zone::id).toList());
    }

    @Test
    void theFirstLineOfAKeyCounts() {
        assertEquals(Optional.of("one"), Vmcoreinfo.parse(zone("KMEMDUMP_BACKEND=one\nKMEMDUMP_BACKEND=two\n", 0))
                .value(Vmcoreinfo.BACKEND));
    }

    @Test
    void anEmptyOrTornTextIsRefused() {
        assertEquals("it is empty", malformed(""));
        assertEquals("its last line is not ended (torn?)", malformed("PID=1\nZONE(1)=ELF,0x10"));
    }

    @Test
    void aLineTheRuntimeDoesNotWriteIsRefusedByNumber() {
        assertEquals("line 2 'pid=1' is not one the runtime writes", malformed("PID=1\npid=1\n"));
        assertEquals("line 1 'ZONE(1)=ELF,0x10' is not one the runtime writes", malformed("ZONE(1)=ELF,0x10\n"));
        assertEquals("line 1 'ZONE(1000)=x,0x10,1' is not one the runtime writes", malformed("ZONE(1000)=x,0x10,1\n"));
        assertEquals("line 1 'ZONE(1)=a name,0x10,1' is not one the runtime writes", malformed("ZONE(1)=a name,0x10,1\n"));
        assertEquals("line 1 'KMEMDUMP_ZONES=-1' is not one the runtime writes", malformed("KMEMDUMP_ZONES=-1\n"));
        assertEquals("line 1 'no equals sign' is not one the runtime writes", malformed("no equals sign\n"));
        assertEquals("line 1 '" + "X".repeat(40) + "...' is not one the runtime writes", malformed("X".repeat(50) + "\n"));
    }

    @Test
    void aZoneTwiceOrASizeBeyondALongIsRefused() {
        assertEquals("it lists zone 3 twice", malformed("ZONE(3)=a,0x10,1\nZONE(3)=b,0x20,1\n"));
        assertEquals("line 1 'ZONE(3)=a,0x10,9223372036854775808' has a size beyond 2^63",
                malformed("ZONE(3)=a,0x10,9223372036854775808\n"));
    }

    @Test
    void aZoneCountThatDisagreesIsATornText() {
        assertEquals("it has 1 ZONE lines but says KMEMDUMP_ZONES=2 (torn by a kill in the middle of a rewrite?)",
                malformed("KMEMDUMP_ZONES=2\nZONE(3)=a,0x10,1\n"));
    }

    @Test
    void theWriterRefusesWhatWouldBreakALine() {
        assertThrows(IllegalArgumentException.class, () -> Vmcoreinfo.writer().key("pid", 1));
        assertThrows(IllegalArgumentException.class, () -> Vmcoreinfo.writer().key("ZONE(1)", 1));
        assertThrows(IllegalArgumentException.class, () -> Vmcoreinfo.writer().key(Vmcoreinfo.OSRELEASE, "a\nZONE(1)=x,0x1,1"));
        assertThrows(IllegalArgumentException.class, () -> Vmcoreinfo.writer().key(Vmcoreinfo.OSRELEASE, "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> Vmcoreinfo.writer().outcome(5, "one\ntwo"));
    }

    @Test
    void anOutcomeLineNamesItsZone() {
        assertEquals("OUTCOME(4294967295)=lost\n", Vmcoreinfo.writer().outcome(-1, "lost").text());
    }

    /** A collector's synthesized note carries OUTCOME lines: its own reader must take them. */
    @Test
    void theParserTakesTheOutcomeLinesACollectorWrites() {
        String text = Vmcoreinfo.writer().key(Vmcoreinfo.ZONES, 1).zone(60, "native", 0x1000, 64).outcome(60, "lost: process gone").text();
        assertEquals(List.of(new Vmcoreinfo.Zone(60, "native", 0x1000, 64)),
                Vmcoreinfo.parse(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).zones());
    }
}
