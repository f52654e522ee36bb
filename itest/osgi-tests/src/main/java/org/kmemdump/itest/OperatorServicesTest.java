package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.api.BackendPinning;
import org.kmemdump.api.LiveDump;
import org.osgi.test.common.annotation.InjectService;

/**
 * The services the Web Console page and the Inventory use, given bad input through the real core:
 * each refusal names what was wrong, and the pin and the file system stay as they were.
 */
class OperatorServicesTest extends InFramework {
    @InjectService
    BackendPinning pinning;
    @InjectService
    LiveDump liveDump;
    @TempDir
    Path work;

    @Test
    void aPinOfNoNameOrAnUnknownOneIsRefusedAndChangesNothing() {
        String pinned = pinning.pinned();
        String active = pinning.active();
        assertEquals("no backend name given; nothing changed",
                assertThrows(IllegalArgumentException.class, () -> pinning.pin(null)).getMessage());
        String refused = assertThrows(IllegalArgumentException.class, () -> pinning.pin("nosuch")).getMessage();
        assertTrue(refused.startsWith("no backend named 'nosuch' is tracked (tracked: ") && refused.endsWith("); nothing changed"), refused);
        assertEquals(pinned, pinning.pinned());
        assertEquals(active, pinning.active());
    }

    @Test
    void aLiveCoreNeedsAFileItCanWrite() throws IOException {
        assertEquals("no file given for the live core", assertThrows(IllegalArgumentException.class, () -> liveDump.write(null)).getMessage());
        Path missingDirectory = work.resolve("missing").resolve("core.elf");
        assertThrows(IOException.class, () -> liveDump.write(missingDirectory));
        assertFalse(Files.exists(missingDirectory.getParent()), "nothing made on the way");

        Path core = work.resolve("core.elf");
        String summary = liveDump.write(core);
        assertTrue(summary.contains(core.toString()), summary);
        byte[] magic = new byte[4];
        System.arraycopy(Files.readAllBytes(core), 0, magic, 0, 4);
        assertEquals("\u007fELF", new String(magic, StandardCharsets.ISO_8859_1));
    }
}
