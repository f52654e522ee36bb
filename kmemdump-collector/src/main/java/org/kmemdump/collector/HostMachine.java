package org.kmemdump.collector;

import org.kmemdump.format.Elf64;

/**
 * What a core for this machine needs that the byte formats do not fix: {@code e_machine} (gdb
 * truncates addresses without it) and the size of {@code struct elf_prstatus}, which gdb checks
 * before it accepts a (zeroed) {@code NT_PRSTATUS} note. The collector runs on the dumped
 * process's host, so the host is the machine. Same table as the runtime's {@code Host}.
 */
record HostMachine(short elfMachine, int prstatusSize) {
    /** sizeof(struct elf_prstatus): 27 general registers on x86_64, 34 on aarch64. */
    private static final int PRSTATUS_SIZE_X86_64 = 336;
    private static final int PRSTATUS_SIZE_AARCH64 = 392;

    static HostMachine current() throws Failure {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> new HostMachine(Elf64.EM_X86_64, PRSTATUS_SIZE_X86_64);
            case "aarch64" -> new HostMachine(Elf64.EM_AARCH64, PRSTATUS_SIZE_AARCH64);
            default -> throw Failure.output("cannot build ELF core headers for os.arch " + arch + ": x86_64 and aarch64 only");
        };
    }
}
