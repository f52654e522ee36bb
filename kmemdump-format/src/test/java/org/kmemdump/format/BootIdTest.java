package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootIdTest {
    @TempDir
    Path work;

    @Test
    void thisMachineHasOne() {
        assertNotNull(BootId.current(), "Linux tells its boot id in " + BootId.FILE);
    }

    @Test
    void readsTheKernelsText() throws IOException {
        Path file = Files.writeString(work.resolve("boot_id"), "113e6693-7536-4fc3-abd7-1b708122756f\n");
        assertEquals(UUID.fromString("113e6693-7536-4fc3-abd7-1b708122756f"), BootId.read(file));
    }

    @Test
    void garbageOrNothingIsUnknown() throws IOException {
        assertNull(BootId.read(Files.writeString(work.resolve("garbage"), "not a boot id")));
        assertNull(BootId.read(work.resolve("missing")));
    }
}
