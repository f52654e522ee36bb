package org.kmemdump.backend.kinfo.internal;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import org.kmemdump.api.ZoneIds;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.LittleEndian;

/**
 * The kinfo record in its reserved area file, with the kernel backend's rules: the area is zeroed
 * and an empty record written when it is opened (the kernel's probe); a few well-known zones are
 * recorded, every other one is accepted and ignored. Unlike the kernel backend, unregistering a
 * zone clears what was recorded for it, so no address of memory that may be gone survives.
 *
 * <p>Thread-safe: every method is synchronized; once closed, registrations are refused and
 * unregistrations ignored.
 */
final class KinfoArea implements Closeable {
    /** The file tells where process memory lies: nobody else needs to read it. */
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_ATTRIBUTE = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    private static final KinfoRecord.Pointer NONE = new KinfoRecord.Pointer(0, 0);

    private final Path file;
    private final Arena arena;
    private final KinfoRecord record;

    private KinfoArea(Path file, Arena arena, KinfoRecord record) {
        this.file = file;
        this.arena = arena;
        this.record = record;
    }

    /**
     * Refuses an area too small for the records, before anything is touched.
     *
     * @throws IllegalArgumentException naming the size and the minimum
     */
    static void checkSize(long size) {
        if (size < KinfoRecord.AREA_LENGTH) {
            throw new IllegalArgumentException("area.size " + size + " is too small: the kinfo records need at least "
                    + KinfoRecord.AREA_LENGTH + " bytes");
        }
    }

    /**
     * Opens the reserved area file, or creates it owner-only ({@code rw-------}), makes it exactly
     * {@code size} bytes, zeroes it and writes an empty record.
     *
     * @throws IOException              if the file cannot be created, opened or mapped
     * @throws IllegalArgumentException naming what is wrong, with the file left as found: a size
     *                                  below {@link KinfoRecord#AREA_LENGTH}; an existing file that
     *                                  is not a regular file, that others may read or write, or
     *                                  whose {@code magic_number} is neither 0 (never written) nor
     *                                  {@link KinfoRecord#MAGIC}
     */
    static KinfoArea open(Path file, long size, String buildInfo, int threadSize) throws IOException {
        checkSize(size);
        Arena arena = Arena.ofShared();
        try {
            MemorySegment area;
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                checkExisting(file);
                try (FileChannel channel = FileChannel.open(file, READ, WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    checkMagic(file, channel);
                    if (channel.size() > size) {
                        channel.truncate(size);
                    }
                    area = channel.map(MapMode.READ_WRITE, 0, size, arena);
                }
            } else {
                try (FileChannel channel = FileChannel.open(file, Set.of(CREATE_NEW, READ, WRITE, LinkOption.NOFOLLOW_LINKS),
                        OWNER_ONLY_ATTRIBUTE)) {
                    area = channel.map(MapMode.READ_WRITE, 0, size, arena);
                }
            }
            return new KinfoArea(file, arena, KinfoRecord.create(area, buildInfo, threadSize));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void checkExisting(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(file + " is not a regular file (a symbolic link or a directory is not accepted)");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> others = EnumSet.copyOf(permissions);
        others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        if (!others.isEmpty()) {
            throw new IllegalArgumentException(file + " is open to others (" + PosixFilePermissions.toString(permissions)
                    + "): the kinfo record holds process addresses; make it rw-------");
        }
    }

    private static void checkMagic(Path file, FileChannel channel) throws IOException {
        ByteBuffer magic = ByteBuffer.allocate(Integer.BYTES);
        while (magic.hasRemaining() && channel.read(magic, magic.position()) > 0) {
            // a file shorter than 4 bytes reads as if zero-padded: an empty file was never written
        }
        int found = MemorySegment.ofArray(magic.array()).get(LittleEndian.U32, KinfoRecord.MAGIC_NUMBER);
        if (found != 0 && found != KinfoRecord.MAGIC) {
            throw new IllegalArgumentException(file + ": magic_number is 0x" + Integer.toHexString(found)
                    + ", neither 0 (never written) nor 0x" + Integer.toHexString(KinfoRecord.MAGIC)
                    + " (a kinfo record): not a kinfo area, left as found");
        }
    }

    /**
     * Records the zones kinfo knows: the release string is copied, the ELF, VMCOREINFO, bundle
     * table and log zones are pointed at. Every other zone is accepted untouched.
     */
    synchronized void register(Region region) throws RegionRefusedException {
        if (!arena.scope().isAlive()) {
            throw new RegionRefusedException("the kinfo backend is closed");
        }
        switch (region.id()) {
            case ZoneIds.RELEASE -> record.lastUtsRelease(release(region.memory()));
            case ZoneIds.ELF -> record.elf(pointer(region));
            case ZoneIds.VMCOREINFO -> record.vmcoreinfo(pointer(region));
            case ZoneIds.BUNDLES -> record.bundles(pointer(region));
            case ZoneIds.LOG -> record.log(pointer(region));
            default -> { }
        }
    }

    /** Clears what {@link #register} recorded for the zone; other zones change nothing. */
    synchronized void unregister(Region region) {
        if (arena.scope().isAlive()) {
            clear(region.id());
        }
    }

    private void clear(int id) {
        switch (id) {
            case ZoneIds.RELEASE -> record.lastUtsRelease("");
            case ZoneIds.ELF -> record.elf(NONE);
            case ZoneIds.VMCOREINFO -> record.vmcoreinfo(NONE);
            case ZoneIds.BUNDLES -> record.bundles(NONE);
            case ZoneIds.LOG -> record.log(NONE);
            default -> { }
        }
    }

    private static KinfoRecord.Pointer pointer(Region region) {
        return new KinfoRecord.Pointer(region.address(), region.size());
    }

    /**
     * @return the text at the start of {@code memory}, up to its first NUL, at most
     *         {@code last_uts_release}'s 63 bytes, cut before a character that would not fit whole
     */
    static String release(MemorySegment memory) {
        int max = KinfoRecord.UTS_RELEASE_LEN - 1;
        byte[] bytes = memory.asSlice(0, Math.min(memory.byteSize(), max + 1)).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < Math.min(bytes.length, max) && bytes[end] != 0) {
            end++;
        }
        if (end == max && end < bytes.length) {
            // cut at 63 bytes: back off to the start of a UTF-8 sequence the cut would split
            while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
                end--;
            }
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Clears every entry still recorded (the registry unregisters every zone from a departing
     * backend first; this makes sure) and unmaps the file, which stays, with an empty record.
     */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            for (int id : new int[] {ZoneIds.RELEASE, ZoneIds.ELF, ZoneIds.VMCOREINFO, ZoneIds.BUNDLES, ZoneIds.LOG}) {
                clear(id);
            }
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "kinfo record in " + file;
    }
}
