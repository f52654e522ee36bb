package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The temporary file's name: within Linux's 255 bytes whatever the target's name, and recognised as the target's. */
class PartFileTest {
    private static final String PID = Long.toString(ProcessHandle.current().pid());

    @TempDir
    Path temp;

    @Test
    void aShortNameIsKeptWhole() throws Exception {
        PartFile.Created part = PartFile.create(temp.resolve("core.elf"), PosixFilePermissions.fromString("rw-------"));
        try (var channel = part.channel()) {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
        String name = part.path().getFileName().toString();
        assertTrue(name.matches("\\.core\\.elf\\." + PID + "\\.\\d+\\.part"), name);
        assertEquals(temp, part.path().getParent());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(part.path())));
        assertEquals(3, Files.size(part.path()));
    }

    /** 218 bytes of the name: ASCII cut at 218, two-byte characters at 109, four-byte ones never split. */
    @Test
    void aLongNameIsCutTo218BytesOnACodePointBoundary() throws Exception {
        assertEquals("." + "c".repeat(218) + ".", PartFile.prefix(Path.of("c".repeat(255))));
        assertEquals("." + "\u00e9".repeat(109) + ".", PartFile.prefix(Path.of("\u00e9".repeat(127))));
        assertEquals("." + "x" + "\ud83d\ude00".repeat(54) + ".", PartFile.prefix(Path.of("x" + "\ud83d\ude00".repeat(63) + "ab")));
        for (String name : new String[] {"c".repeat(255), "\u00e9".repeat(127), "x" + "\ud83d\ude00".repeat(63) + "ab"}) {
            PartFile.Created part = PartFile.create(temp.resolve(name), PosixFilePermissions.fromString("rw-------"));
            part.channel().close();
            assertTrue(part.path().getFileName().toString().getBytes(StandardCharsets.UTF_8).length <= 255, part.path().toString());
            assertTrue(PartFile.isPartOf(temp.resolve(name), part.path()));
        }
    }

    @Test
    void onlyItsOwnTemporaryNamesArePartsOfATarget() {
        Path target = Path.of("/d/core.elf");
        assertTrue(PartFile.isPartOf(target, Path.of("/d/.core.elf.12.3.part")));
        assertTrue(PartFile.isPartOf(target, Path.of("/d/.core.elf.8155083347069402513.part")), "Files.createTempFile's, from an earlier version");
        assertFalse(PartFile.isPartOf(target, Path.of("/d/.core.elf2.12.3.part")));
        assertFalse(PartFile.isPartOf(target, Path.of("/d/.core.elf.bak.12.3.part")), "core.elf.bak's");
        assertFalse(PartFile.isPartOf(target, Path.of("/d/.core.elf..part")));
        assertFalse(PartFile.isPartOf(target, Path.of("/d/.core.elf.12.3.partial")));
        assertFalse(PartFile.isPartOf(target, Path.of("/d/core.elf")));
    }

    @Test
    void aTargetThatNamesNoFileOrNoPermissionsAreRefusedAndNothingIsCreated() throws Exception {
        var permissions = PosixFilePermissions.fromString("rw-------");
        assertEquals("the target null names no file: a temporary file is named after one",
                assertThrows(IllegalArgumentException.class, () -> PartFile.create(null, permissions)).getMessage());
        assertEquals("the target / names no file: a temporary file is named after one",
                assertThrows(IllegalArgumentException.class, () -> PartFile.create(Path.of("/"), permissions)).getMessage());
        assertEquals("the permissions of the temporary file of " + temp.resolve("core") + " are null",
                assertThrows(IllegalArgumentException.class, () -> PartFile.create(temp.resolve("core"), null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PartFile.isPartOf(temp.resolve("core"), null));
        assertThrows(IllegalArgumentException.class, () -> PartFile.isPartOf(null, temp.resolve(".core.1.2.part")));
        try (var files = Files.list(temp)) {
            assertEquals(0, files.count());
        }
    }
}
