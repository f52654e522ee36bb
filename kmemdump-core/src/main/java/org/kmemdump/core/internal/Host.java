package org.kmemdump.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.kmemdump.format.Elf64;

/** Facts about this process and machine that a core file records. */
record Host(long pid, short elfMachine, int prstatusSize, long pageSize, String command) {
    /** {@code AT_PAGESZ} in the ELF auxiliary vector. */
    private static final long AT_PAGESZ = 6;

    static Host current() {
        String arch = System.getProperty("os.arch");
        ProcessHandle self = ProcessHandle.current();
        String command = self.info().command().orElse("java") + " " + System.getProperty("sun.java.command", "");
        return switch (arch) {
            // sizeof(struct elf_prstatus) differs with the register set: 27 or 34 general registers
            case "amd64", "x86_64" -> new Host(self.pid(), Elf64.EM_X86_64, 336, readPageSize(), command.strip());
            case "aarch64" -> new Host(self.pid(), Elf64.EM_AARCH64, 392, readPageSize(), command.strip());
            default -> throw new IllegalStateException("kmemdump writes cores for x86_64 and aarch64 only, not " + arch);
        };
    }

    /** The kernel's page size, from the auxiliary vector; 4096 where it cannot be read. */
    private static long readPageSize() {
        try {
            ByteBuffer auxv = ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv"))).order(ByteOrder.LITTLE_ENDIAN);
            while (auxv.remaining() >= 16) {
                long type = auxv.getLong();
                long value = auxv.getLong();
                if (type == AT_PAGESZ) {
                    return value;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: the common page size is the best guess
        }
        return 4096;
    }
}
