package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The arena header against bytes laid out by hand from its documented layout. */
class ArenaFileTest {
    private static final long LENGTH = 3 * 4096;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment file = arena.allocate(LENGTH, 4096).fill((byte) 0xAA);

    @AfterEach
    void close() {
        arena.close();
    }

    private byte[] bytes(long offset, long length) {
        return file.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] le64(long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            buffer.putLong(value);
        }
        return buffer.array();
    }

    @Test
    void headerBytes() {
        ArenaFile.create(file, 4242, 1_700_000_000_123L, 1_700_000_001_000L);
        ArenaFile.coreimage(file, file.asSlice(4096, 100), file.asSlice(8192, 200));
        ArenaFile.backend(file, "minidump");
        assertArrayEquals(HexFormat.of().parseHex("4b4d444152454e41" + "01000000" + "00100000"), bytes(0, 16),
                "magic KMDARENA, version 1, header length 4096");
        assertArrayEquals(le64(4242, 1_700_000_000_123L, file.address(), LENGTH, 1_700_000_001_000L), bytes(16, 40));
        assertArrayEquals(new byte[8], bytes(56, 8), "running, reserved");
        assertArrayEquals(le64(file.address() + 4096, file.address() + 8192), bytes(64, 16));
        assertArrayEquals(le64(100, 200), bytes(112, 16), "coreimage sizes");
        assertArrayEquals("minidump\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".getBytes(), bytes(80, 32));
        assertArrayEquals(le64(4096), bytes(128, 8), "the zone directory follows the header");
        assertArrayEquals(new byte[4096 - 136], bytes(136, 4096 - 136), "the rest of the header is zero");
        assertArrayEquals(new byte[(int) ZoneDirectory.LENGTH], bytes(4096, ZoneDirectory.LENGTH), "an empty directory");
        assertArrayEquals(HexFormat.of().parseHex("aaaa"), bytes(ArenaFile.ZONES_START, 2), "zones are not touched");
    }

    @Test
    void endingAndBootIdBytes() {
        UUID boot = UUID.fromString("113e6693-7536-4fc3-abd7-1b708122756f");
        ArenaFile.create(file, 7, 8, 9, boot);
        assertArrayEquals(HexFormat.of().parseHex("113e669375364fc3abd71b708122756f"), bytes(152, 16),
                "the boot id's bytes in the order its text spells them");
        assertArrayEquals(new byte[16], bytes(136, 16), "no ending, no end time while running");
        ArenaFile.ended(file, ArenaFile.ENDING_EXITED, 1_700_000_002_000L);
        assertArrayEquals(HexFormat.of().parseHex("02000000" + "00000000"), bytes(136, 8), "ending 2: the JVM exited, reserved");
        assertArrayEquals(le64(1_700_000_002_000L), bytes(144, 8), "end time");
        assertArrayEquals(HexFormat.of().parseHex("01000000"), bytes(56, 4), "the clean-shutdown marker follows the ending");
        assertArrayEquals(new byte[4096 - 168], bytes(168, 4096 - 168), "the rest of the header is zero");
        ArenaFile.Header header = ArenaFile.read(file, LENGTH, "arena");
        assertEquals(boot, header.bootId());
        assertEquals(ArenaFile.ENDING_EXITED, header.ending());
        assertEquals(1_700_000_002_000L, header.endTime());
        assertTrue(header.cleanShutdown());
    }

    @Test
    void readBack() {
        ArenaFile.create(file, 7, 8, 9);
        assertFalse(ArenaFile.read(file, LENGTH, "arena").cleanShutdown());
        ArenaFile.heartbeat(file, 99);
        ArenaFile.cleanShutdown(file);
        ArenaFile.Header header = ArenaFile.read(file, LENGTH, "arena");
        assertEquals(7, header.pid());
        assertEquals(99, header.heartbeat());
        assertTrue(header.cleanShutdown());
        assertEquals("", header.backend());
        assertEquals(ArenaFile.ENDING_STOPPED, header.ending());
        assertEquals(null, header.bootId(), "an unknown boot");
        assertTrue(header.holds(file.address() + ArenaFile.ZONES_START, 64));
        assertFalse(header.holds(file.address() + ArenaFile.ZONES_START, 3 * 4096), "past the end");
        assertFalse(header.holds(file.address() + 8, 8), "inside the header");
        assertFalse(header.holds(file.address() + 4096, 8), "inside the zone directory");
        assertFalse(header.holds(file.address() - 8, 8), "before the file");
        assertFalse(header.holds(Long.MAX_VALUE, Long.MAX_VALUE), "overflow");
    }

    @Test
    void badHeadersNameTheField() {
        ArenaFile.create(file, 7, 8, 9);
        assertMessage("length field says", () -> ArenaFile.read(file, LENGTH + 1, "arena"));
        assertMessage("truncated", () -> ArenaFile.read(file, 100, "arena"));
        file.set(LittleEndian.U32, ArenaFile.VERSION_FIELD, 2);
        assertMessage("version 2", () -> ArenaFile.read(file, LENGTH, "arena"));
        file.set(LittleEndian.U32, ArenaFile.VERSION_FIELD, 0);
        assertMessage("never finished", () -> ArenaFile.read(file, LENGTH, "arena"));
        file.set(LittleEndian.U64, ArenaFile.MAGIC_FIELD, 1);
        assertMessage("magic", () -> ArenaFile.read(file, LENGTH, "arena"));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.startsWith("arena: ") && message.contains(part), message);
    }
}
