package org.kmemdump.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * The headers against the gABI's {@code Elf64_Ehdr} and {@code Elf64_Phdr}, and the note
 * descriptors against the kernel's {@code struct elf_prpsinfo} and {@code struct elf_prstatus}
 * (include/uapi/linux/elfcore.h), laid out by hand for x86_64 and aarch64.
 */
class Elf64LayoutTest {
    @Test
    void headersAreTheGabisStructs() {
        // e_ident[16]; u16 e_type, e_machine; u32 e_version; u64 e_entry, e_phoff, e_shoff; u32 e_flags; u16 x6
        assertEquals(64, Elf64.EHDR_SIZE);
        assertEquals(16 + 2 + 2 + 4 + 8, Elf64.E_PHOFF);
        assertEquals(16 + 2 + 2 + 4 + 3 * 8 + 4 + 2 * 2, Elf64.E_PHNUM);
        assertEquals(62, Elf64.E_SHSTRNDX);
        // u32 p_type, p_flags; u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
        assertEquals(56, Elf64.PHDR_SIZE);
        assertEquals(4 + 4 + 3 * 8, Elf64.P_FILESZ);
    }

    @Test
    void prpsinfoIsTheKernelsStruct() {
        // char pr_state, pr_sname, pr_zomb, pr_nice; (4 padding) unsigned long pr_flag;
        // uid_t pr_uid; gid_t pr_gid; pid_t pr_pid, pr_ppid, pr_pgrp, pr_sid; char pr_fname[16]; char pr_psargs[80];
        assertEquals(136, Elf64.PRPSINFO_SIZE);
        assertEquals(1, Elf64.PRPSINFO_SNAME);
        assertEquals(24, Elf64.PRPSINFO_PID);
        assertEquals(40, Elf64.PRPSINFO_FNAME);
        assertEquals(56, Elf64.PRPSINFO_PSARGS);
        assertEquals(Elf64.PRPSINFO_SIZE, Elf64.PRPSINFO_PSARGS + Elf64.PRPSINFO_PSARGS_LENGTH);
    }

    @Test
    void aRunningProcessWrittenByteForByte() {
        MemorySegment descriptor = MemorySegment.ofArray(new byte[Elf64.PRPSINFO_SIZE + 4]);
        descriptor.fill((byte) 0xaa);
        Elf64.writePrpsinfo(descriptor, 0x01020304, "java", "java -jar kmemdump.jar");

        byte[] expected = new byte[Elf64.PRPSINFO_SIZE + 4];
        byte[] head = HexFormat.of().parseHex(
                "00520000" + "00000000" // pr_state 0, pr_sname 'R', pr_zomb, pr_nice; padding
                + "0000000000000000"     // pr_flag
                + "00000000" + "00000000" // pr_uid, pr_gid
                + "04030201" + "00000000" + "00000000" + "00000000" // pr_pid, pr_ppid, pr_pgrp, pr_sid
                + "6a617661000000000000000000000000"); // pr_fname "java"
        System.arraycopy(head, 0, expected, 0, head.length);
        byte[] psargs = "java -jar kmemdump.jar".getBytes();
        System.arraycopy(psargs, 0, expected, 56, psargs.length);
        for (int i = Elf64.PRPSINFO_SIZE; i < expected.length; i++) {
            expected[i] = (byte) 0xaa; // nothing written past the descriptor
        }
        assertArrayEquals(expected, descriptor.toArray(LittleEndian.U8));
    }

    @Test
    void overlongNamesAreCutToTheirFieldsWithANul() {
        MemorySegment descriptor = MemorySegment.ofArray(new byte[Elf64.PRPSINFO_SIZE]);
        Elf64.writePrpsinfo(descriptor, 1, "f".repeat(20), "a".repeat(100));
        assertEquals("f".repeat(15), descriptor.getString(Elf64.PRPSINFO_FNAME));
        assertEquals("a".repeat(79), descriptor.getString(Elf64.PRPSINFO_PSARGS));
        assertEquals(0, descriptor.get(LittleEndian.U8, Elf64.PRPSINFO_SIZE - 1));
    }

    @Test
    void prstatusPidFollowsTheSignalInfoAndMasks() {
        // struct elf_siginfo pr_info (3 ints); short pr_cursig; (2 padding) unsigned long pr_sigpend, pr_sighold; pid_t pr_pid
        assertEquals(32, Elf64.PRSTATUS_PID);
    }
}
