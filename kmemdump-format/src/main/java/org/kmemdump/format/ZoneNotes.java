package org.kmemdump.format;

import static org.kmemdump.format.LittleEndian.U16;
import static org.kmemdump.format.LittleEndian.U64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notes by which a kmemdump core says what it holds, beside {@code VMCOREINFO}: which zone
 * each address range is, and which zones it does not hold and why.
 *
 * <pre>
 * NT_FILE, owner "CORE", type 0x46494c45 (the Linux core note gdb's "info proc mappings" reads):
 *   u64 count; u64 page_size;
 *   count x { u64 start; u64 end; u64 file_ofs }      file_ofs in pages: 0, no file backs a zone
 *   count x name, NUL-terminated                       "[kmemdump zone ID NAME]"
 *
 * NT_KMEMDUMP_MISSING, owner "KMEMDUMP", type 0x4d495353 ("MISS"): text, one line per zone whose
 * bytes the core does not hold whole, in ascending id order:
 *   ID SP (lost|withheld) SP why LF                    ID: unsigned decimal; why: printable ASCII
 * </pre>
 *
 * <p>The collector writes both into every core; into one made of the runtime's coreimage zones it
 * appends them after the zones, under a {@code PT_NOTE} of their own ({@link #headersWithNotes}).
 * A zone listed missing is not data wherever its range lies in the core: a lost zone's range may
 * be zeros (where the runtime's headers gave it a place) or absent.
 */
public final class ZoneNotes {
    public static final int NT_FILE = 0x46494c45;
    public static final String MISSING_NOTE = "KMEMDUMP";
    public static final int NT_KMEMDUMP_MISSING = 0x4d495353;
    /** Each NT_FILE entry: start, end, file_ofs. */
    public static final int FILE_ENTRY_SIZE = 3 * Long.BYTES;
    public static final int FILE_HEADER_SIZE = 2 * Long.BYTES;
    /** {@code NT_FILE}'s unit for file offsets; every zone's is 0 (no file backs it), so any page size does. */
    public static final long PAGE_SIZE = 4096;

    private static final Pattern MISSING_LINE = Pattern.compile("(0|[1-9][0-9]{0,9}) (lost|withheld) ([\\x20-\\x7e]*)");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]*");

    /** One {@code NT_FILE} entry: a zone's address range and its name. */
    public record Mapping(long start, long end, long fileOffset, String name) {
    }

    /** How a zone is missing from the core. */
    public enum Kind {
        /** Its bytes could not be read (freed, the process gone, a hole). */
        LOST,
        /** Its bytes were left out on purpose: the zone is sensitive. */
        WITHHELD;

        /** @return how the note and reports spell it: {@code lost}, {@code withheld} */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line of the missing-zones note. */
    public record Missing(int id, Kind kind, String why) {
        /**
         * @param id the zone's id, unsigned (a minidump table's region may have any 32-bit one)
         * @throws IllegalArgumentException if why is not printable ASCII
         */
        public Missing {
            if (!PRINTABLE.matcher(why).matches()) {
                throw new IllegalArgumentException("zone " + id + " cannot be listed missing with '" + why + "'");
            }
        }

        /**
         * @return the line for any text: what is not printable ASCII in {@code why} becomes '?', and
         *         a leading {@code lost: } (or {@code withheld: }) goes, since the line says it already
         */
        public static Missing of(int id, Kind kind, String why) {
            String prefix = kind.word() + ": ";
            String reason = why.startsWith(prefix) ? why.substring(prefix.length()) : why;
            StringBuilder printable = new StringBuilder(reason.length());
            reason.chars().forEach(c -> printable.append(c >= 0x20 && c <= 0x7e ? (char) c : '?'));
            return new Missing(id, kind, printable.toString());
        }
    }

    private ZoneNotes() {
    }

    /** @return both notes, whole (headers, names, padded descriptors), {@code NT_FILE} first */
    public static byte[] notes(List<Mapping> mappings, List<Missing> missing) {
        byte[] files = Elf64.note(Elf64.CORE_NOTE, NT_FILE, files(mappings, PAGE_SIZE));
        byte[] lost = Elf64.note(MISSING_NOTE, NT_KMEMDUMP_MISSING, missing(missing));
        byte[] both = Arrays.copyOf(files, files.length + lost.length);
        System.arraycopy(lost, 0, both, files.length, lost.length);
        return both;
    }

    /**
     * The headers of a core made of the runtime's coreimage zones with notes appended after the
     * zones: a {@code PT_NOTE} for them in the first unused slot of the ELF zone's room for program
     * headers (which ends where the zone's own notes begin), {@code e_phnum} raised by one.
     *
     * @param elf the ELF zone's bytes, not changed
     * @return the ELF header and program headers to write at offset 0 over the zone's, or
     *         {@code null} when the zone has no unused slot (or is no such zone)
     */
    public static byte[] headersWithNotes(byte[] elf, long offset, long size) {
        if (elf.length < Elf64.EHDR_SIZE + Elf64.PHDR_SIZE) {
            return null;
        }
        MemorySegment zone = MemorySegment.ofArray(elf);
        int phnum = Short.toUnsignedInt(zone.get(U16, Elf64.E_PHNUM));
        long firstNotes = zone.get(U64, Elf64.EHDR_SIZE + Elf64.P_OFFSET); // the zone's PT_NOTE comes first
        long slotEnd = Elf64.EHDR_SIZE + (phnum + 1L) * Elf64.PHDR_SIZE;
        if (zone.get(U64, Elf64.E_PHOFF) != Elf64.EHDR_SIZE || phnum == 0 || phnum == 0xffff || slotEnd > firstNotes || slotEnd > elf.length) {
            return null;
        }
        MemorySegment headers = MemorySegment.ofArray(Arrays.copyOf(elf, (int) slotEnd));
        Elf64.writeProgramHeader(headers, phnum, Elf64.PT_NOTE, offset, 0, size);
        headers.set(U16, Elf64.E_PHNUM, (short) (phnum + 1));
        return headers.toArray(ValueLayout.JAVA_BYTE);
    }

    /** @return the name {@code NT_FILE} gives zone {@code id} */
    public static String mappingName(int id, String name) {
        return "[kmemdump zone " + Integer.toUnsignedString(id) + " " + name + "]";
    }

    /** @return the {@code NT_FILE} descriptor for {@code mappings} */
    public static byte[] files(List<Mapping> mappings, long pageSize) {
        byte[][] names = new byte[mappings.size()][];
        long namesSize = 0;
        for (int i = 0; i < names.length; i++) {
            names[i] = mappings.get(i).name().getBytes(StandardCharsets.UTF_8);
            namesSize += names[i].length + 1;
        }
        MemorySegment descriptor = MemorySegment.ofArray(new byte[(int) (FILE_HEADER_SIZE + (long) FILE_ENTRY_SIZE * names.length + namesSize)]);
        descriptor.set(U64, 0, mappings.size());
        descriptor.set(U64, Long.BYTES, pageSize);
        long at = FILE_HEADER_SIZE;
        for (Mapping mapping : mappings) {
            descriptor.set(U64, at, mapping.start());
            descriptor.set(U64, at + Long.BYTES, mapping.end());
            descriptor.set(U64, at + 2 * Long.BYTES, mapping.fileOffset());
            at += FILE_ENTRY_SIZE;
        }
        for (byte[] name : names) {
            MemorySegment.copy(MemorySegment.ofArray(name), 0, descriptor, at, name.length);
            at += name.length + 1;
        }
        return descriptor.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Reads an {@code NT_FILE} descriptor: as many entries as it holds room for, never as many as
     * its count asks for beyond that.
     *
     * @throws IllegalArgumentException when the count does not fit the descriptor or a name is not ended
     */
    public static List<Mapping> readFiles(MemorySegment descriptor) {
        long size = descriptor.byteSize();
        if (size < FILE_HEADER_SIZE) {
            throw new IllegalArgumentException("the NT_FILE note is " + size + " bytes, less than its count and page size");
        }
        long count = descriptor.get(U64, 0);
        if (count < 0 || count > (size - FILE_HEADER_SIZE) / FILE_ENTRY_SIZE) {
            throw new IllegalArgumentException("the NT_FILE note's count " + Long.toUnsignedString(count) + " does not fit its "
                    + size + " bytes");
        }
        List<Mapping> mappings = new ArrayList<>();
        long name = FILE_HEADER_SIZE + count * FILE_ENTRY_SIZE;
        for (long i = 0; i < count; i++) {
            long entry = FILE_HEADER_SIZE + i * FILE_ENTRY_SIZE;
            long end = name;
            while (end < size && descriptor.get(ValueLayout.JAVA_BYTE, end) != 0) {
                end++;
            }
            if (end >= size) {
                throw new IllegalArgumentException("the NT_FILE note's name " + (i + 1) + " of " + count + " is not NUL-terminated");
            }
            mappings.add(new Mapping(descriptor.get(U64, entry), descriptor.get(U64, entry + Long.BYTES),
                    descriptor.get(U64, entry + 2 * Long.BYTES),
                    new String(descriptor.asSlice(name, end - name).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8)));
            name = end + 1;
        }
        return mappings;
    }

    /** @return the missing-zones descriptor: one line per zone, in the order given */
    public static byte[] missing(List<Missing> zones) {
        StringBuilder text = new StringBuilder();
        for (Missing zone : zones) {
            text.append(Integer.toUnsignedString(zone.id())).append(' ').append(zone.kind().word()).append(' ').append(zone.why()).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the missing-zones descriptor strictly: every line whole and as written, no zone twice.
     *
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static List<Missing> readMissing(byte[] descriptor) {
        String text = new String(descriptor, StandardCharsets.ISO_8859_1);
        List<Missing> zones = new ArrayList<>();
        if (text.isEmpty()) {
            return zones;
        }
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("the missing-zones note's last line is not ended");
        }
        int number = 0;
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            number++;
            Matcher matcher = MISSING_LINE.matcher(line);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("the missing-zones note's line " + number + " is not 'ID lost|withheld WHY'");
            }
            int id;
            try {
                id = Integer.parseUnsignedInt(matcher.group(1));
            } catch (NumberFormatException tooLarge) {
                throw new IllegalArgumentException("the missing-zones note's line " + number + " has an id beyond 2^32");
            }
            if (zones.stream().anyMatch(zone -> zone.id() == id)) {
                throw new IllegalArgumentException("the missing-zones note lists zone " + id + " twice");
            }
            zones.add(new Missing(id, Kind.valueOf(matcher.group(2).toUpperCase(Locale.ROOT)), matcher.group(3)));
        }
        return zones;
    }
}
