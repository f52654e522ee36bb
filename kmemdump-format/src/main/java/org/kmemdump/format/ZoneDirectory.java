package org.kmemdump.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.kmemdump.format.LittleEndian.U16;
import static org.kmemdump.format.LittleEndian.U16_ALIGNED;
import static org.kmemdump.format.LittleEndian.U32_ALIGNED;
import static org.kmemdump.format.LittleEndian.U32_ORDERED;
import static org.kmemdump.format.LittleEndian.U64;
import static org.kmemdump.format.LittleEndian.U64_ALIGNED;
import static org.kmemdump.format.LittleEndian.U8;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The arena's zone directory: every registered zone, whatever backend is active, in one 40-byte
 * entry per id, so an outside reader finds all zones after any end of the JVM, even while the
 * active backend's own table is being emptied or refilled by a swap. It lies in the arena file at
 * {@link ArenaFile#DIRECTORY_START}.
 *
 * <pre>
 * entry (40), entry i for zone id i (entry 0 unused):
 *   char name[16]; u16 id; u16 flags; u32 valid; u64 address; u64 size;
 * flags: bit 0 {@link #SENSITIVE}; the other bits are 0
 * </pre>
 *
 * <p>{@code id} and {@code flags} were one {@code u32 id} before flags existed: a reader of that
 * layout takes a flagged entry's id for a number that is not its index and skips the entry, so
 * it never collects a sensitive zone it does not know to hold back.
 *
 * <p>Crash-consistent by construction: an entry is changed only when its zone is, and then
 * invalidated first, rewritten, and marked {@link #VALID} last, so at every instant each entry is
 * either complete and valid or not valid; no other entry is ever touched.
 */
public final class ZoneDirectory {
    /** One entry per zone id, as the registry's table: ids 1 to 200, entry 0 unused. */
    public static final int ENTRIES = KnownZones.MAX_ZONES;
    public static final int NAME_LENGTH = 16;
    public static final StructLayout ENTRY = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(NAME_LENGTH, U8).withName("name"),
            U16_ALIGNED.withName("id"),
            U16_ALIGNED.withName("flags"),
            U32_ALIGNED.withName("valid"),
            U64_ALIGNED.withName("address"),
            U64_ALIGNED.withName("size"));
    public static final int ENTRY_SIZE = (int) ENTRY.byteSize();
    public static final long LENGTH = (long) ENTRIES * ENTRY_SIZE;
    public static final long NAME = ENTRY.byteOffset(groupElement("name"));
    public static final long ID = ENTRY.byteOffset(groupElement("id"));
    public static final long FLAGS = ENTRY.byteOffset(groupElement("flags"));
    public static final long VALID_FIELD = ENTRY.byteOffset(groupElement("valid"));
    public static final long ADDRESS = ENTRY.byteOffset(groupElement("address"));
    public static final long SIZE = ENTRY.byteOffset(groupElement("size"));
    public static final int VALID = 'Z' << 24 | 'O' << 16 | 'N' << 8 | 'E';

    /**
     * Flag: the zone's bytes must not leave the process unless an operator asks for them
     * explicitly; readers list the zone but do not copy it by default.
     */
    public static final int SENSITIVE = 1;

    /** A valid entry. */
    public record Entry(int id, String name, long address, long size, int flags) {
        public Entry(int id, String name, long address, long size) {
            this(id, name, address, size, 0);
        }

        public boolean sensitive() {
            return (flags & SENSITIVE) != 0;
        }
    }

    private final MemorySegment entries;

    /** @param entries {@link #LENGTH} bytes, 8-byte aligned */
    public ZoneDirectory(MemorySegment entries) {
        if (entries.byteSize() < LENGTH) {
            throw new IllegalArgumentException("a zone directory needs " + LENGTH + " bytes, got " + entries.byteSize());
        }
        this.entries = entries.asSlice(0, LENGTH);
    }

    private static long entry(int id) {
        if (id < 1 || id >= ENTRIES) {
            throw new IndexOutOfBoundsException("zone id " + id + " is not 1.." + (ENTRIES - 1));
        }
        return (long) id * ENTRY_SIZE;
    }

    /** Records zone {@code id} without flags. */
    public void set(int id, String name, long address, long size) {
        set(id, name, address, size, 0);
    }

    /**
     * Records zone {@code id}; its name must be ASCII and shorter than {@value #NAME_LENGTH} bytes.
     *
     * @param flags {@link #SENSITIVE} or 0
     */
    public void set(int id, String name, long address, long size, int flags) {
        set(id, nameField(name), address, size, flags);
    }

    /**
     * Records zone {@code id} under a name field {@link #nameField} made (a writer that records the
     * same name often makes it once).
     *
     * @param flags {@link #SENSITIVE} or 0
     */
    public void set(int id, byte[] nameField, long address, long size, int flags) {
        if ((flags & ~SENSITIVE) != 0) {
            throw new IllegalArgumentException("zone flags 0x" + Integer.toHexString(flags) + " has bits other than SENSITIVE");
        }
        if (nameField.length != NAME_LENGTH || nameField[NAME_LENGTH - 1] != 0) {
            throw new IllegalArgumentException("a name field is " + NAME_LENGTH + " bytes ending with a NUL, not " + nameField.length);
        }
        long at = entry(id);
        U32_ORDERED.setRelease(entries, at + VALID_FIELD, 0);
        MemorySegment.copy(nameField, 0, entries, U8, at + NAME, NAME_LENGTH);
        entries.set(U16, at + ID, (short) id);
        entries.set(U16, at + FLAGS, (short) flags);
        entries.set(U64, at + ADDRESS, address);
        entries.set(U64, at + SIZE, size);
        U32_ORDERED.setRelease(entries, at + VALID_FIELD, VALID);
    }

    /**
     * @return the name field as an entry holds it: the name's bytes, NUL-padded to {@value #NAME_LENGTH}
     * @throws IllegalArgumentException if the name is {@value #NAME_LENGTH} bytes or longer
     */
    public static byte[] nameField(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length >= NAME_LENGTH) {
            throw new IllegalArgumentException("zone name '" + name + "' is longer than " + (NAME_LENGTH - 1) + " bytes");
        }
        return Arrays.copyOf(bytes, NAME_LENGTH);
    }

    /** Forgets zone {@code id}. */
    public void clear(int id) {
        U32_ORDERED.setRelease(entries, entry(id) + VALID_FIELD, 0);
    }

    /**
     * @return the valid entries in id order; an entry counts only if its id field is its index,
     *         its name is 1 to 15 printable ASCII characters and its size is above 0
     */
    public List<Entry> validEntries() {
        List<Entry> valid = new ArrayList<>();
        for (int id = 1; id < ENTRIES; id++) {
            long at = (long) id * ENTRY_SIZE;
            if ((int) U32_ORDERED.getAcquire(entries, at + VALID_FIELD) != VALID || Short.toUnsignedInt(entries.get(U16, at + ID)) != id) {
                continue;
            }
            String name = name(entries.asSlice(at + NAME, NAME_LENGTH).toArray(U8));
            long size = entries.get(U64, at + SIZE);
            if (name != null && size > 0) {
                valid.add(new Entry(id, name, entries.get(U64, at + ADDRESS), size, Short.toUnsignedInt(entries.get(U16, at + FLAGS))));
            }
        }
        return valid;
    }

    /** @return the NUL-terminated printable ASCII name, or {@code null} if it is not one */
    private static String name(byte[] bytes) {
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            if (bytes[length] < 0x21 || bytes[length] > 0x7e) {
                return null;
            }
            length++;
        }
        return length == 0 || length == bytes.length ? null : new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }
}
