package org.kmemdump.collector;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.LittleEndian;

/**
 * The kinfo record file {@code DIR/kinfo} that the kinfo backend keeps: Google's
 * {@code kernel_all_info} and the JVM extension ({@link KinfoRecord}), which points at the log
 * ring, the coreimage zones and the bundle table. Read once into a heap copy of at most
 * {@link KinfoRecord#AREA_LENGTH} bytes, whatever the file's size, and checked as
 * {@link KinfoRecord#read} checks it: magic, both checksums, the extension's version and length.
 *
 * <p>The kinfo backend rewrites the record (fields, then both checksums) while its owner runs, so a
 * checksum that does not hold in a live owner's record is read again a few times before it is
 * called torn. A file that is empty or whose {@code magic_number} is 0 was created but never
 * written (the backend's own test at activation; read again too while the owner lives): no
 * record, but no defect either. Nor is a valid
 * record whose pointers are 0: the backend clears them while another backend is active and when it
 * stops.
 *
 * @param path     {@code DIR/kinfo}
 * @param found    whether the file exists
 * @param bytes    the first bytes of the file, at most {@link KinfoRecord#AREA_LENGTH}; {@code null} when
 *                 the file is missing or unreadable
 * @param contents the checked record, or {@code null}
 * @param problem  why there is no record (the file missing, unreadable, truncated, a magic or
 *                 checksum that does not hold), naming the file and the field; {@code null} when valid
 */
public record KinfoFile(Path path, boolean found, byte[] bytes, KinfoRecord.Contents contents, String problem) {
    private static final int ATTEMPTS_WHILE_LIVE = 3;
    private static final long RETRY_MS = 20;

    /** The zones the JVM extension points at, in its order, by the names reports use. */
    enum Target {
        LOG("log ring", "log"), ELF("ELF", "elf"), VMCOREINFO("VMCOREINFO", "vmcoreinfo"), BUNDLES("bundle table", "bundles");

        final String text;
        final String jsonName;

        Target(String text, String jsonName) {
            this.text = text;
            this.jsonName = jsonName;
        }

        KinfoRecord.Pointer of(KinfoRecord.Contents contents) {
            return switch (this) {
                case LOG -> contents.log();
                case ELF -> contents.elf();
                case VMCOREINFO -> contents.vmcoreinfo();
                case BUNDLES -> contents.bundles();
            };
        }
    }

    /**
     * What the checks found, with the values, whether or not the record is valid: for inspect.
     * Available when the file holds at least {@link KinfoRecord#AREA_LENGTH} bytes.
     */
    record Checks(int magic, int checksum, int computedChecksum, int extensionMagic, int extensionVersion, int extensionLength,
            int extensionChecksum, int computedExtensionChecksum) {
        boolean magicHolds() {
            return magic == KinfoRecord.MAGIC;
        }

        boolean checksumHolds() {
            return checksum == computedChecksum;
        }

        boolean extensionHolds() {
            return extensionMagic == KinfoRecord.EXT_MAGIC && extensionVersion == KinfoRecord.EXT_VERSION
                    && extensionLength == KinfoRecord.EXT_LENGTH;
        }

        boolean extensionChecksumHolds() {
            return extensionChecksum == computedExtensionChecksum;
        }
    }

    /** @param ownerLive whether the owner may be rewriting the record: a checksum that does not hold is read again */
    public static KinfoFile read(Path directory, boolean ownerLive) {
        Path path = directory.resolve(KinfoRecord.FILE_NAME);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return new KinfoFile(path, false, null, null, path + ": missing");
        }
        KinfoFile read = readOnce(path);
        for (int attempt = 1; attempt < (ownerLive ? ATTEMPTS_WHILE_LIVE : 1) && (read.torn() || read.neverWritten()); attempt++) {
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            read = readOnce(path);
        }
        return read;
    }

    private static KinfoFile readOnce(Path path) {
        // a FIFO or device would block or never end: only a plain file is read
        if (!Files.isRegularFile(path)) {
            return new KinfoFile(path, true, null, null, path + ": not a regular file");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) KinfoRecord.AREA_LENGTH);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // reads until the record is whole or the file ends
            }
        } catch (IOException e) {
            return new KinfoFile(path, true, null, null, path + ": cannot read: " + IoMessages.of(e));
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        if (blank(bytes)) {
            return new KinfoFile(path, true, bytes, null, path + ": never written (" + (bytes.length == 0 ? "empty" : "magic_number 0")
                    + "): the kinfo backend made the file but has not written a record");
        }
        try {
            return new KinfoFile(path, true, bytes, KinfoRecord.read(MemorySegment.ofArray(bytes), path.toString()), null);
        } catch (IllegalArgumentException e) {
            return new KinfoFile(path, true, bytes, null, e.getMessage());
        }
    }

    /** @return whether the record is whole but a checksum does not hold: what a reader racing the writer sees */
    private boolean torn() {
        Checks checks = checks();
        return contents == null && checks != null && checks.magicHolds() && (!checks.checksumHolds() || !checks.extensionChecksumHolds());
    }

    boolean valid() {
        return contents != null;
    }

    /** @return whether the file is there but empty or its {@code magic_number} 0: made, never written */
    boolean neverWritten() {
        return found && bytes != null && blank(bytes);
    }

    private static boolean blank(byte[] bytes) {
        return bytes.length == 0 || bytes.length >= Integer.BYTES && MemorySegment.ofArray(bytes).get(LittleEndian.U32, KinfoRecord.MAGIC_NUMBER) == 0;
    }

    /** @return the magic and checksums with their values, or {@code null} when the file is missing or too short */
    Checks checks() {
        if (bytes == null || bytes.length < KinfoRecord.AREA_LENGTH) {
            return null;
        }
        MemorySegment area = MemorySegment.ofArray(bytes);
        return new Checks(area.get(LittleEndian.U32, KinfoRecord.MAGIC_NUMBER), area.get(LittleEndian.U32, KinfoRecord.COMBINED_CHECKSUM),
                KinfoRecord.infoChecksum(area), area.get(LittleEndian.U32, KinfoRecord.EXT_MAGIC_FIELD), area.get(LittleEndian.U32, KinfoRecord.EXT_VERSION_FIELD),
                area.get(LittleEndian.U32, KinfoRecord.EXT_LENGTH_FIELD), area.get(LittleEndian.U32, KinfoRecord.EXT_CHECKSUM), KinfoRecord.extensionChecksum(area));
    }

    /** @return the pointers of a valid record, in the extension's order */
    Map<Target, KinfoRecord.Pointer> pointers() {
        Map<Target, KinfoRecord.Pointer> pointers = new LinkedHashMap<>();
        if (contents != null) {
            for (Target target : Target.values()) {
                pointers.put(target, target.of(contents));
            }
        }
        return pointers;
    }

    /** @return whether a pointer names no zone: address and size 0, as the kinfo backend leaves one it has nothing for */
    static boolean none(KinfoRecord.Pointer pointer) {
        return pointer.address() == 0 && pointer.size() == 0;
    }

    /** @return where a pointer is: {@code none}, {@code in the arena} or {@code not in the arena} */
    static String where(KinfoRecord.Pointer pointer, ArenaFile.Header header) {
        return none(pointer) ? "none" : header.holds(pointer.address(), pointer.size()) ? "in the arena" : "not in the arena";
    }

    /**
     * @return what makes the file a defect for inspect, one line naming the file and the field: a
     *         record that is not valid, or a pointer (other than none) outside the arena;
     *         {@code null} when there is no file, one never written, or nothing is wrong
     */
    String defect(ArenaFile.Header header) {
        if (!found || neverWritten()) {
            return null;
        }
        if (contents == null) {
            return problem;
        }
        for (Map.Entry<Target, KinfoRecord.Pointer> pointer : pointers().entrySet()) {
            KinfoRecord.Pointer value = pointer.getValue();
            if (!none(value) && !header.holds(value.address(), value.size())) {
                return path + ": the JVM extension's " + pointer.getKey().text + " pointer " + describe(value)
                        + " is not in the arena's zone area";
            }
        }
        return null;
    }

    /** @return e.g. {@code 0x7f0012340000 (65536 bytes)} */
    static String describe(KinfoRecord.Pointer pointer) {
        return Sizes.hex(pointer.address()) + " (" + Long.toUnsignedString(pointer.size()) + " bytes)";
    }
}
