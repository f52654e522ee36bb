package org.kmemdump.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.kmemdump.format.LittleEndian.U16;
import static org.kmemdump.format.LittleEndian.U16_ALIGNED;
import static org.kmemdump.format.LittleEndian.U32;
import static org.kmemdump.format.LittleEndian.U32_ALIGNED;
import static org.kmemdump.format.LittleEndian.U64;
import static org.kmemdump.format.LittleEndian.U64_ALIGNED;
import static org.kmemdump.format.LittleEndian.U8;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of the ELF64 format a core file needs (System V gABI, little-endian hosts only):
 * field offsets as named constants and writers for the header, program headers and notes.
 */
public final class Elf64 {
    public static final int EHDR_SIZE = 64;
    public static final int PHDR_SIZE = 56;
    public static final int NOTE_HEADER_SIZE = 12;
    /** Where a note header's {@code n_descsz} lies: after {@code u32 n_namesz}. */
    public static final int N_DESCSZ = 4;

    // e_ident
    public static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
    public static final int EI_CLASS = 4;
    public static final int EI_DATA = 5;
    public static final int EI_VERSION = 6;
    public static final byte ELFCLASS64 = 2;
    public static final byte ELFDATA2LSB = 1;
    public static final byte EV_CURRENT = 1;

    // Elf64_Ehdr fields
    public static final long E_TYPE = 16;
    public static final long E_MACHINE = 18;
    public static final long E_VERSION = 20;
    public static final long E_ENTRY = 24;
    public static final long E_PHOFF = 32;
    public static final long E_SHOFF = 40;
    public static final long E_FLAGS = 48;
    public static final long E_EHSIZE = 52;
    public static final long E_PHENTSIZE = 54;
    public static final long E_PHNUM = 56;
    public static final long E_SHENTSIZE = 58;
    public static final long E_SHNUM = 60;
    public static final long E_SHSTRNDX = 62;

    // Elf64_Phdr fields
    public static final long P_TYPE = 0;
    public static final long P_FLAGS = 4;
    public static final long P_OFFSET = 8;
    public static final long P_VADDR = 16;
    public static final long P_PADDR = 24;
    public static final long P_FILESZ = 32;
    public static final long P_MEMSZ = 40;
    public static final long P_ALIGN = 48;

    public static final short ET_CORE = 4;
    public static final short EM_X86_64 = 62;
    public static final short EM_AARCH64 = 183;
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    public static final int PF_W = 2;
    public static final int PF_R = 4;
    public static final int NT_PRSTATUS = 1;
    public static final int NT_PRPSINFO = 3;
    public static final int SHDR_SIZE = 64;
    /** The owner name of the {@code NT_PRSTATUS} and {@code NT_PRPSINFO} notes. */
    public static final String CORE_NOTE = "CORE";

    /**
     * The start of {@code struct elf_prstatus} (the {@code NT_PRSTATUS} descriptor), up to the
     * field a core writer without registers fills in; the rest, registers included, is
     * {@link Machine#prstatusSize()} long in all and left zero. Offsets derive from the fields
     * with their natural alignment, as the C compiler lays them out on x86_64 and aarch64.
     */
    public static final StructLayout PRSTATUS_HEAD = MemoryLayout.structLayout(
            U32_ALIGNED.withName("si_signo"),
            U32_ALIGNED.withName("si_code"),
            U32_ALIGNED.withName("si_errno"),
            U16_ALIGNED.withName("pr_cursig"),
            MemoryLayout.paddingLayout(2),
            U64_ALIGNED.withName("pr_sigpend"),
            U64_ALIGNED.withName("pr_sighold"),
            U32_ALIGNED.withName("pr_pid"));
    public static final long PRSTATUS_PID = PRSTATUS_HEAD.byteOffset(groupElement("pr_pid"));

    /**
     * {@code struct elf_prpsinfo}, the {@code NT_PRPSINFO} descriptor, the same on x86_64 and
     * aarch64 (64-bit {@code long}, 32-bit {@code uid_t}).
     */
    public static final StructLayout PRPSINFO = MemoryLayout.structLayout(
            U8.withName("pr_state"),
            U8.withName("pr_sname"),
            U8.withName("pr_zomb"),
            U8.withName("pr_nice"),
            MemoryLayout.paddingLayout(4),
            U64_ALIGNED.withName("pr_flag"),
            U32_ALIGNED.withName("pr_uid"),
            U32_ALIGNED.withName("pr_gid"),
            U32_ALIGNED.withName("pr_pid"),
            U32_ALIGNED.withName("pr_ppid"),
            U32_ALIGNED.withName("pr_pgrp"),
            U32_ALIGNED.withName("pr_sid"),
            MemoryLayout.sequenceLayout(16, U8).withName("pr_fname"),
            MemoryLayout.sequenceLayout(80, U8).withName("pr_psargs"));
    public static final int PRPSINFO_SIZE = (int) PRPSINFO.byteSize();
    public static final long PRPSINFO_SNAME = PRPSINFO.byteOffset(groupElement("pr_sname"));
    public static final long PRPSINFO_PID = PRPSINFO.byteOffset(groupElement("pr_pid"));
    public static final long PRPSINFO_FNAME = PRPSINFO.byteOffset(groupElement("pr_fname"));
    public static final int PRPSINFO_FNAME_LENGTH = 16;
    public static final long PRPSINFO_PSARGS = PRPSINFO.byteOffset(groupElement("pr_psargs"));
    public static final int PRPSINFO_PSARGS_LENGTH = 80;
    /** {@code pr_sname} of a running process, as {@code ps} shows it. */
    public static final byte STATE_RUNNING = 'R';

    /**
     * What a core for a machine needs that the format does not fix: {@code e_machine} (gdb
     * truncates addresses without it) and {@code sizeof(struct elf_prstatus)}, which gdb checks
     * before it accepts an {@code NT_PRSTATUS} note (27 general registers on x86_64, 34 on aarch64).
     */
    public record Machine(short elfMachine, int prstatusSize) {
        public static final Machine X86_64 = new Machine(EM_X86_64, 336);
        public static final Machine AARCH64 = new Machine(EM_AARCH64, 392);

        /**
         * @return the machine this JVM runs on: a core is read on the host that wrote it
         * @throws IllegalStateException naming {@code os.arch} on other machines
         */
        public static Machine host() {
            return of(System.getProperty("os.arch"));
        }

        /** @throws IllegalStateException naming {@code osArch} unless it is x86_64 or aarch64 */
        public static Machine of(String osArch) {
            return switch (String.valueOf(osArch)) {
                case "amd64", "x86_64" -> X86_64;
                case "aarch64" -> AARCH64;
                default -> throw new IllegalStateException("ELF core headers are written for x86_64 and aarch64 only, not os.arch "
                        + osArch);
            };
        }
    }

    private Elf64() {
    }

    public static long align4(long n) {
        return (n + 3) & ~3L;
    }

    /**
     * Writes an {@code ET_CORE} header whose program headers follow it directly. Every field is
     * stored in place (no clearing first), so a reader never sees a zeroed header mid-update.
     */
    public static void writeCoreHeader(MemorySegment to, short machine, int phnum) {
        MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, to, 0, MAGIC.length);
        to.set(U8, EI_CLASS, ELFCLASS64);
        to.set(U8, EI_DATA, ELFDATA2LSB);
        to.set(U8, EI_VERSION, EV_CURRENT);
        to.asSlice(EI_VERSION + 1, 16 - EI_VERSION - 1).fill((byte) 0); // OS ABI: System V; padding
        to.set(U16, E_TYPE, ET_CORE);
        to.set(U16, E_MACHINE, machine);
        to.set(U32, E_VERSION, EV_CURRENT);
        to.set(U64, E_ENTRY, 0);
        to.set(U64, E_PHOFF, EHDR_SIZE);
        to.set(U64, E_SHOFF, 0);
        to.set(U32, E_FLAGS, 0);
        to.set(U16, E_EHSIZE, (short) EHDR_SIZE);
        to.set(U16, E_PHENTSIZE, (short) PHDR_SIZE);
        to.set(U16, E_PHNUM, (short) phnum);
        to.set(U16, E_SHENTSIZE, (short) SHDR_SIZE);
        to.set(U16, E_SHNUM, (short) 0);
        to.set(U16, E_SHSTRNDX, (short) 0);
    }

    /** Writes program header {@code index}; a core's segments have {@code p_filesz == p_memsz}. */
    public static void writeProgramHeader(MemorySegment to, int index, int type, long offset, long vaddr, long size) {
        long at = EHDR_SIZE + (long) index * PHDR_SIZE;
        to.set(U32, at + P_TYPE, type);
        to.set(U32, at + P_FLAGS, type == PT_LOAD ? PF_R | PF_W : 0);
        to.set(U64, at + P_OFFSET, offset);
        to.set(U64, at + P_VADDR, vaddr);
        writeProgramHeaderSize(to, index, size);
        to.set(U64, at + P_PADDR, 0);
        to.set(U64, at + P_ALIGN, 0);
    }

    /** Sets the size ({@code p_filesz} and {@code p_memsz}) of program header {@code index}, and nothing else of it. */
    public static void writeProgramHeaderSize(MemorySegment to, int index, long size) {
        long at = EHDR_SIZE + (long) index * PHDR_SIZE;
        to.set(U64, at + P_FILESZ, size);
        to.set(U64, at + P_MEMSZ, size);
    }

    /** @return the size of a note header plus its padded owner name */
    public static long noteHeaderSize(String owner) {
        return NOTE_HEADER_SIZE + align4(owner.length() + 1L);
    }

    /** @return the size of a whole note with its padded descriptor */
    public static long noteSize(String owner, long descSize) {
        return noteHeaderSize(owner) + align4(descSize);
    }

    /**
     * Writes a note header and its NUL-terminated, padded owner name at {@code at}.
     *
     * @return the offset of the descriptor
     */
    public static long writeNoteHeader(MemorySegment to, long at, String owner, long descSize, int type) {
        byte[] name = owner.getBytes(StandardCharsets.US_ASCII);
        to.asSlice(at, noteHeaderSize(owner)).fill((byte) 0);
        to.set(U32, at, name.length + 1);
        writeNoteDescriptorSize(to, at, descSize);
        to.set(U32, at + 8, type);
        MemorySegment.copy(MemorySegment.ofArray(name), 0, to, at + NOTE_HEADER_SIZE, name.length);
        return at + noteHeaderSize(owner);
    }

    /** Sets the descriptor size ({@code n_descsz}) of the note header at {@code at}, and nothing else of it. */
    public static void writeNoteDescriptorSize(MemorySegment to, long at, long descSize) {
        to.set(U32, at + N_DESCSZ, (int) descSize);
    }

    /** @return a whole note: header, padded owner name, descriptor padded to 4 */
    public static byte[] note(String owner, int type, byte[] descriptor) {
        MemorySegment note = MemorySegment.ofArray(new byte[(int) noteSize(owner, descriptor.length)]);
        long at = writeNoteHeader(note, 0, owner, descriptor.length, type);
        MemorySegment.copy(MemorySegment.ofArray(descriptor), 0, note, at, descriptor.length);
        return note.toArray(ValueLayout.JAVA_BYTE);
    }

    /** One note of a {@code PT_NOTE} segment: its owner name, type and descriptor (a slice of the segment). */
    public record Note(String owner, int type, MemorySegment descriptor) {
    }

    /**
     * Reads the notes of a {@code PT_NOTE} segment, each checked to lie whole in it: a size field
     * never makes the reader go past the segment or allocate what it asks.
     *
     * @throws IllegalArgumentException naming the note that does not fit, or whose owner name is not ended
     */
    public static List<Note> notes(MemorySegment segment) {
        List<Note> notes = new ArrayList<>();
        long at = 0;
        long size = segment.byteSize();
        while (size - at >= NOTE_HEADER_SIZE) {
            long namesz = Integer.toUnsignedLong(segment.get(U32, at));
            long descsz = Integer.toUnsignedLong(segment.get(U32, at + N_DESCSZ));
            int type = segment.get(U32, at + 8);
            long name = at + NOTE_HEADER_SIZE;
            // the last descriptor's padding may be cut off by the segment's end
            if (align4(namesz) > size - name || descsz > size - name - align4(namesz)) {
                throw new IllegalArgumentException("note " + (notes.size() + 1) + " (name " + namesz + " bytes, descriptor " + descsz
                        + " bytes) does not fit the " + size + "-byte PT_NOTE segment");
            }
            if (namesz == 0 || segment.get(U8, name + namesz - 1) != 0) {
                throw new IllegalArgumentException("note " + (notes.size() + 1) + "'s owner name is not NUL-terminated");
            }
            String owner = new String(segment.asSlice(name, namesz - 1).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
            long descriptor = name + align4(namesz);
            notes.add(new Note(owner, type, segment.asSlice(descriptor, descsz)));
            at = descriptor + Math.min(align4(descsz), size - descriptor);
        }
        return notes;
    }

    /**
     * Fills an {@code NT_PRPSINFO} descriptor ({@link #PRPSINFO_SIZE} bytes) for a running process;
     * {@code fname} and {@code psargs} are cut to fit their NUL-terminated fields.
     */
    public static void writePrpsinfo(MemorySegment descriptor, int pid, String fname, String psargs) {
        MemorySegment prpsinfo = descriptor.asSlice(0, PRPSINFO_SIZE);
        prpsinfo.fill((byte) 0);
        prpsinfo.set(U8, PRPSINFO_SNAME, STATE_RUNNING);
        prpsinfo.set(U32, PRPSINFO_PID, pid);
        CString.write(prpsinfo, PRPSINFO_FNAME, PRPSINFO_FNAME_LENGTH, fname.getBytes(StandardCharsets.UTF_8));
        CString.write(prpsinfo, PRPSINFO_PSARGS, PRPSINFO_PSARGS_LENGTH, psargs.getBytes(StandardCharsets.UTF_8));
    }
}
