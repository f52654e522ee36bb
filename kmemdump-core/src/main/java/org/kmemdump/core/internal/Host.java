package org.kmemdump.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.kmemdump.format.Elf64;

/**
 * Facts about this process and machine that a core file records; the machine's part comes from
 * {@link Elf64.Machine}, the table the collector uses too.
 */
record Host(long pid, short elfMachine, int prstatusSize, long pageSize, String command) {
    /** {@code AT_PAGESZ} in the ELF auxiliary vector. */
    private static final long AT_PAGESZ = 6;

    static Host current() {
        Elf64.Machine machine = Elf64.Machine.host(); // IllegalStateException on machines other than x86_64 and aarch64
        ProcessHandle self = ProcessHandle.current();
        String command = self.info().command().orElse("java") + " " + System.getProperty("sun.java.command", "");
        return new Host(self.pid(), machine.elfMachine(), machine.prstatusSize(), readPageSize(), command.strip());
    }

    /** The kernel's page size, from the auxiliary vector; 4096 where it cannot be read. */
    static long readPageSize() {
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
