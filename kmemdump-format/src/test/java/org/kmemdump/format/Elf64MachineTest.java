package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The os.arch table: e_machine and sizeof(struct elf_prstatus), the one place both the runtime and the collector take them from. */
class Elf64MachineTest {
    @Test
    void knownArchitectures() {
        assertEquals(new Elf64.Machine((short) 62, 336), Elf64.Machine.of("amd64"));
        assertEquals(Elf64.Machine.X86_64, Elf64.Machine.of("x86_64"));
        assertEquals(new Elf64.Machine((short) 183, 392), Elf64.Machine.of("aarch64"));
        assertEquals(Elf64.Machine.of(System.getProperty("os.arch")), Elf64.Machine.host());
    }

    @Test
    void otherArchitecturesAreNamed() {
        assertTrue(assertThrows(IllegalStateException.class, () -> Elf64.Machine.of("riscv64")).getMessage().contains("os.arch riscv64"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Elf64.Machine.of(null)).getMessage().contains("os.arch null"));
    }
}
