package org.kmemdump.format;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.kmemdump.format.LittleEndian.U32_ALIGNED;
import static org.kmemdump.format.LittleEndian.U32_ORDERED;
import static org.kmemdump.format.LittleEndian.U64;
import static org.kmemdump.format.LittleEndian.U64_ALIGNED;
import static org.kmemdump.format.LittleEndian.U64_ORDERED;
import static org.kmemdump.format.LittleEndian.U8;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The persistent dump arena: a file in the kmemdump directory that the runtime maps shared and
 * carves zone memory from, so the zones outlive the JVM (kill -9, crash, hang). Its header tells an
 * outside reader who owns it, whether the owner is alive, and how to turn a zone address back into
 * a file offset ({@code offset = address - base_address}).
 *
 * <pre>
 * offset size field
 *      0    8 magic              "KMDARENA", little-endian u64 {@link #MAGIC}
 *      8    4 version            {@link #VERSION}; written last, 0 = not ready
 *     12    4 header_length      {@link #HEADER_LENGTH}
 *     16    8 pid                the owner's process id
 *     24    8 start_time         the owner's process start, ms since the epoch (pids are reused)
 *     32    8 base_address       where the owner mapped offset 0
 *     40    8 length             the file's length, header included
 *     48    8 heartbeat          ms since the epoch, rewritten about every second
 *     56    4 shutdown           0 while running, {@link #CLEAN_SHUTDOWN} once {@code ending} is written
 *     60    4 reserved
 *     64    8 elf_address        address of the coreimage ELF zone, 0 if none
 *     72    8 vmcoreinfo_address address of the coreimage VMCOREINFO zone, 0 if none
 *     80   32 backend            name of the active backend, NUL-padded
 *    112    8 elf_size           size of the coreimage ELF zone
 *    120    8 vmcoreinfo_size    size of the coreimage VMCOREINFO zone
 *    128    8 directory_offset   {@link #DIRECTORY_START}: where the {@link ZoneDirectory} is
 *    136    4 ending             how the owner saw its run end: {@link #ENDING_NONE} (running, or it
 *                                could not say), {@link #ENDING_STOPPED}, {@link #ENDING_EXITED}
 *    140    4 reserved
 *    144    8 end_time           ms since the epoch when {@code ending} was written, 0 before
 *    152   16 boot_id            /proc/sys/kernel/random/boot_id of the owner's boot, its 16 bytes in the
 *                                order the text spells them; zeros when unknown
 *    168 3928 reserved
 *   4096 8040 the zone directory: every registered zone, whatever backend is active
 *  12136      zones
 * </pre>
 *
 * 64-bit fields are 8-byte aligned, so each is written and read in one piece. The coreimage
 * fields let a reader rebuild the core from this file alone, whatever backend was active. A crash
 * or SIGKILL writes no {@code ending}: the heartbeat then tells when the owner was last alive, and
 * a boot id other than the reader's says the machine rebooted since (pid and start time alone may
 * repeat after a reboot, in a container above all).
 */
public final class ArenaFile {
    public static final long MAGIC = 0x414E455241444D4BL; // "KMDARENA"
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 4096;
    public static final int CLEAN_SHUTDOWN = 1;
    /** {@code ending}: still running, or ended without a word (crash, SIGKILL, power loss). */
    public static final int ENDING_NONE = 0;
    /** {@code ending}: the framework stopped the runtime cleanly. */
    public static final int ENDING_STOPPED = 1;
    /** {@code ending}: the JVM exited (System.exit, SIGTERM, SIGINT) before or without a clean framework stop. */
    public static final int ENDING_EXITED = 2;
    public static final int BOOT_ID_LENGTH = 16;
    public static final int BACKEND_NAME_LENGTH = 32;
    public static final String FILE_NAME = "arena";

    public static final long MAGIC_FIELD = HeaderPrologue.MAGIC_FIELD;
    public static final long VERSION_FIELD = HeaderPrologue.VERSION_FIELD;
    public static final long HEADER_LENGTH_FIELD = HeaderPrologue.HEADER_LENGTH_FIELD;
    /** The header's fields; the rest of its {@link #HEADER_LENGTH} bytes is reserved. */
    public static final StructLayout HEADER_FIELDS = MemoryLayout.structLayout(
            HeaderPrologue.LAYOUT.withName("prologue"),
            U64_ALIGNED.withName("pid"),
            U64_ALIGNED.withName("start_time"),
            U64_ALIGNED.withName("base_address"),
            U64_ALIGNED.withName("length"),
            U64_ALIGNED.withName("heartbeat"),
            U32_ALIGNED.withName("shutdown"),
            MemoryLayout.paddingLayout(4),
            U64_ALIGNED.withName("elf_address"),
            U64_ALIGNED.withName("vmcoreinfo_address"),
            MemoryLayout.sequenceLayout(BACKEND_NAME_LENGTH, U8).withName("backend"),
            U64_ALIGNED.withName("elf_size"),
            U64_ALIGNED.withName("vmcoreinfo_size"),
            U64_ALIGNED.withName("directory_offset"),
            U32_ALIGNED.withName("ending"),
            MemoryLayout.paddingLayout(4),
            U64_ALIGNED.withName("end_time"),
            MemoryLayout.sequenceLayout(BOOT_ID_LENGTH, U8).withName("boot_id"));
    public static final long PID = HEADER_FIELDS.byteOffset(groupElement("pid"));
    public static final long START_TIME = HEADER_FIELDS.byteOffset(groupElement("start_time"));
    public static final long BASE_ADDRESS = HEADER_FIELDS.byteOffset(groupElement("base_address"));
    public static final long LENGTH = HEADER_FIELDS.byteOffset(groupElement("length"));
    public static final long HEARTBEAT = HEADER_FIELDS.byteOffset(groupElement("heartbeat"));
    public static final long SHUTDOWN = HEADER_FIELDS.byteOffset(groupElement("shutdown"));
    public static final long ELF_ADDRESS = HEADER_FIELDS.byteOffset(groupElement("elf_address"));
    public static final long VMCOREINFO_ADDRESS = HEADER_FIELDS.byteOffset(groupElement("vmcoreinfo_address"));
    public static final long BACKEND = HEADER_FIELDS.byteOffset(groupElement("backend"));
    public static final long ELF_SIZE = HEADER_FIELDS.byteOffset(groupElement("elf_size"));
    public static final long VMCOREINFO_SIZE = HEADER_FIELDS.byteOffset(groupElement("vmcoreinfo_size"));
    public static final long DIRECTORY_OFFSET = HEADER_FIELDS.byteOffset(groupElement("directory_offset"));
    public static final long ENDING = HEADER_FIELDS.byteOffset(groupElement("ending"));
    public static final long END_TIME = HEADER_FIELDS.byteOffset(groupElement("end_time"));
    public static final long BOOT_ID = HEADER_FIELDS.byteOffset(groupElement("boot_id"));
    /** Where the zone directory starts: right after the header. */
    public static final long DIRECTORY_START = HEADER_LENGTH;
    /** Where zone memory starts. */
    public static final long ZONES_START = DIRECTORY_START + ZoneDirectory.LENGTH;

    /** The boot id's halves, in the byte order its text spells them. */
    private static final ValueLayout.OfLong U64_BIG_ENDIAN = U64.withOrder(ByteOrder.BIG_ENDIAN);
    private static final HeaderPrologue PROLOGUE = new HeaderPrologue("arena", MAGIC, VERSION, HEADER_LENGTH);

    /**
     * The header as a reader sees it.
     *
     * @param ending  {@link #ENDING_NONE}, {@link #ENDING_STOPPED}, {@link #ENDING_EXITED}, or a value this reader does not know
     * @param endTime ms since the epoch when the owner wrote {@code ending}, 0 if it did not
     * @param bootId  the boot the owner ran in, or {@code null} when it is not recorded
     */
    public record Header(long pid, long startTime, long baseAddress, long length, long heartbeat, boolean cleanShutdown,
            long elfAddress, long elfSize, long vmcoreinfoAddress, long vmcoreinfoSize, String backend, int ending, long endTime,
            UUID bootId) {
        /** @return whether {@code [address, address + size)} lies in the zone part of the file */
        public boolean holds(long address, long size) {
            long offset = address - baseAddress;
            return size >= 0 && offset >= ZONES_START && offset <= length && size <= length - offset;
        }

        /** @return the file offset of an address that {@link #holds} */
        public long offsetOf(long address) {
            return address - baseAddress;
        }
    }

    private ArenaFile() {
    }

    /** @return the zone directory of a file whose header {@link #read} accepted */
    public static ZoneDirectory directory(MemorySegment file) {
        return new ZoneDirectory(file.asSlice(DIRECTORY_START, ZoneDirectory.LENGTH));
    }

    /** Writes a new header of an unknown boot, as {@link #create(MemorySegment, long, long, long, UUID)}. */
    public static void create(MemorySegment file, long pid, long startTime, long heartbeat) {
        create(file, pid, startTime, heartbeat, null);
    }

    /**
     * Writes a new header and an empty zone directory for a file mapped at {@code file.address()}, version last.
     *
     * @param bootId the boot the owner runs in, {@code null} when unknown
     */
    public static void create(MemorySegment file, long pid, long startTime, long heartbeat, UUID bootId) {
        if (file.byteSize() < ZONES_START) {
            throw new IllegalArgumentException("an arena needs at least " + ZONES_START + " bytes for its header and zone directory, got "
                    + file.byteSize());
        }
        PROLOGUE.begin(file);
        file.set(U64, PID, pid);
        file.set(U64, START_TIME, startTime);
        file.set(U64, BASE_ADDRESS, file.address());
        file.set(U64, LENGTH, file.byteSize());
        file.set(U64, HEARTBEAT, heartbeat);
        file.set(U64, DIRECTORY_OFFSET, DIRECTORY_START);
        if (bootId != null) {
            file.set(U64_BIG_ENDIAN, BOOT_ID, bootId.getMostSignificantBits());
            file.set(U64_BIG_ENDIAN, BOOT_ID + Long.BYTES, bootId.getLeastSignificantBits());
        }
        file.asSlice(DIRECTORY_START, ZoneDirectory.LENGTH).fill((byte) 0);
        PROLOGUE.publish(file);
    }

    public static void heartbeat(MemorySegment file, long now) {
        U64_ORDERED.setRelease(file, HEARTBEAT, now);
    }

    /** Marks a clean framework stop now: {@link #ended} with {@link #ENDING_STOPPED}. */
    public static void cleanShutdown(MemorySegment file) {
        ended(file, ENDING_STOPPED, System.currentTimeMillis());
    }

    /**
     * Records how and when the run ended, then sets the clean-shutdown marker, so a reader that
     * sees the marker sees the rest.
     */
    public static void ended(MemorySegment file, int ending, long time) {
        U64_ORDERED.setRelease(file, END_TIME, time);
        U32_ORDERED.setRelease(file, ENDING, ending);
        U32_ORDERED.setRelease(file, SHUTDOWN, CLEAN_SHUTDOWN);
    }

    /** Records where the coreimage zones are; sizes first, so an address is never read with a stale size. */
    public static void coreimage(MemorySegment file, MemorySegment elf, MemorySegment vmcoreinfo) {
        U64_ORDERED.setRelease(file, ELF_SIZE, elf.byteSize());
        U64_ORDERED.setRelease(file, VMCOREINFO_SIZE, vmcoreinfo.byteSize());
        U64_ORDERED.setRelease(file, ELF_ADDRESS, elf.address());
        U64_ORDERED.setRelease(file, VMCOREINFO_ADDRESS, vmcoreinfo.address());
    }

    /** Records the active backend's name, truncated to 31 bytes. */
    public static void backend(MemorySegment file, String name) {
        CString.write(file, BACKEND, BACKEND_NAME_LENGTH, name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads and checks the header of a file of {@code fileLength} bytes, of which {@code file}
     * holds at least the header.
     *
     * @throws IllegalArgumentException naming the file and the field that is wrong
     */
    public static Header read(MemorySegment file, long fileLength, String where) {
        if (fileLength < HEADER_LENGTH || file.byteSize() < HEADER_LENGTH) {
            throw new IllegalArgumentException(where + ": truncated: " + fileLength + " bytes, the arena header alone has " + HEADER_LENGTH);
        }
        PROLOGUE.check(file, where);
        long length = file.get(U64, LENGTH);
        if (length != fileLength) {
            throw new IllegalArgumentException(where + ": length field says " + length + " bytes but the file has " + fileLength);
        }
        long directory = file.get(U64, DIRECTORY_OFFSET);
        if (directory != DIRECTORY_START || length < ZONES_START) {
            throw new IllegalArgumentException(where + ": directory_offset is " + directory + " in a file of " + length
                    + " bytes, expected " + DIRECTORY_START + " and room for the " + ZoneDirectory.LENGTH + "-byte zone directory");
        }
        long base = file.get(U64, BASE_ADDRESS);
        if (base == 0 || base + length < base) {
            throw new IllegalArgumentException(where + ": base_address 0x" + Long.toHexString(base) + " is impossible");
        }
        return new Header(file.get(U64, PID), file.get(U64, START_TIME), base, length,
                (long) U64_ORDERED.getAcquire(file, HEARTBEAT), (int) U32_ORDERED.getAcquire(file, SHUTDOWN) == CLEAN_SHUTDOWN,
                (long) U64_ORDERED.getAcquire(file, ELF_ADDRESS), (long) U64_ORDERED.getAcquire(file, ELF_SIZE),
                (long) U64_ORDERED.getAcquire(file, VMCOREINFO_ADDRESS), (long) U64_ORDERED.getAcquire(file, VMCOREINFO_SIZE),
                CString.read(file, BACKEND, BACKEND_NAME_LENGTH, StandardCharsets.UTF_8),
                (int) U32_ORDERED.getAcquire(file, ENDING), (long) U64_ORDERED.getAcquire(file, END_TIME), bootId(file));
    }

    private static UUID bootId(MemorySegment file) {
        long high = file.get(U64_BIG_ENDIAN, BOOT_ID);
        long low = file.get(U64_BIG_ENDIAN, BOOT_ID + Long.BYTES);
        return high == 0 && low == 0 ? null : new UUID(high, low);
    }
}
