package org.kmemdump.backend.kinfo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.KinfoRecord.Contents;
import org.kmemdump.format.KinfoRecord.Pointer;

/**
 * The backend's record handling against real files: what it writes is read back through
 * {@link KinfoRecord#read} on a fresh read-only mapping, as a reader after a crash would.
 */
class KinfoAreaTest {
    private static final Pointer NONE = new Pointer(0, 0);

    @TempDir
    Path directory;

    private final Arena memory = Arena.ofShared();
    private final List<KinfoArea> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(KinfoArea::close);
        memory.close();
    }

    private Path file() {
        return directory.resolve(KinfoRecord.FILE_NAME);
    }

    private KinfoArea open() throws IOException {
        return open(4096);
    }

    private KinfoArea open(long size) throws IOException {
        KinfoArea area = KinfoArea.open(file(), size, "build 7", 1 << 20);
        opened.add(area);
        return area;
    }

    private Contents inFile() throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file(), StandardOpenOption.READ)) {
            return KinfoRecord.read(channel.map(MapMode.READ_ONLY, 0, channel.size(), arena), file().toString());
        }
    }

    private Region region(int id, long size) {
        return new Region(id, "z" + id, memory.allocate(size));
    }

    private Region text(int id, byte[] bytes) {
        MemorySegment segment = memory.allocate(bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, 0, bytes.length);
        return new Region(id, "z" + id, segment);
    }

    private Region text(int id, String text) {
        return text(id, (text + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private static Pointer pointer(Region region) {
        return new Pointer(region.address(), region.size());
    }

    @Test
    void aNewFileIsOwnerOnlyAndHoldsAnEmptyRecord() throws IOException {
        open();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        assertEquals(4096, Files.size(file()));
        assertEquals(new Contents("", "build 7", 1 << 20, 64, NONE, NONE, NONE, NONE), inFile());
    }

    @Test
    void theKnownZonesAreRecordedAndClearedAgain() throws IOException, RegionRefusedException {
        KinfoArea area = open();
        byte[] empty = Files.readAllBytes(file());
        Region release = text(ZoneIds.RELEASE, "kmemdump-0.1.0 java-25.0.3+9-LTS");
        Region elf = region(ZoneIds.ELF, 12_345);
        Region vmcoreinfo = region(ZoneIds.VMCOREINFO, 16_384);
        Region bundles = region(ZoneIds.BUNDLES, 4_000);
        Region log = region(ZoneIds.LOG, 1 << 16); // synthetic: the runtime's log ring may not exist yet
        for (Region region : List.of(elf, vmcoreinfo, release, bundles, log)) {
            area.register(region);
        }
        assertEquals(new Contents("kmemdump-0.1.0 java-25.0.3+9-LTS", "build 7", 1 << 20, 64, pointer(log), pointer(elf),
                pointer(vmcoreinfo), pointer(bundles)), inFile());

        area.unregister(elf);
        area.unregister(release);
        assertEquals(new Contents("", "build 7", 1 << 20, 64, pointer(log), NONE, pointer(vmcoreinfo), pointer(bundles)), inFile());
        area.unregister(log);
        area.unregister(vmcoreinfo);
        area.unregister(bundles);
        assertEquals(new Contents("", "build 7", 1 << 20, 64, NONE, NONE, NONE, NONE), inFile());
        assertArrayEquals(empty, Files.readAllBytes(file()), "nothing of the zones is left, not even a byte of the release string");
    }

    @Test
    void otherZonesAreAcceptedAndLeaveTheFileUntouched() throws IOException, RegionRefusedException {
        KinfoArea area = open();
        area.register(region(ZoneIds.VMCOREINFO, 100));
        byte[] before = Files.readAllBytes(file());
        List<Region> others = List.of(region(ZoneIds.CONFIG, 8), region(ZoneIds.BANNER, 8), region(8, 8), region(ZoneIds.USER_START, 8),
                region(ZoneIds.NO_ID, 8), region(ZoneIds.MAX_ZONES - 1, 8));
        for (Region other : others) {
            area.register(other);
        }
        assertArrayEquals(before, Files.readAllBytes(file()));
        for (Region other : others) {
            area.unregister(other);
        }
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void theReleaseStringIsReadUpToItsNulAndAtMost63Bytes() throws IOException, RegionRefusedException {
        KinfoArea area = open();
        area.register(text(ZoneIds.RELEASE, "short\0garbage after the NUL"));
        assertEquals("short", inFile().lastUtsRelease());

        String seventy = "r".repeat(70);
        area.register(text(ZoneIds.RELEASE, seventy));
        assertEquals("r".repeat(63), inFile().lastUtsRelease());

        area.register(text(ZoneIds.RELEASE, "no NUL in the zone".getBytes(StandardCharsets.UTF_8)));
        assertEquals("no NUL in the zone", inFile().lastUtsRelease(), "the zone's end ends the string");

        // 62 ASCII bytes then a 2-byte character: byte 63 would split it, so it is left out whole
        area.register(text(ZoneIds.RELEASE, "a".repeat(62) + "é" + "tail"));
        assertEquals("a".repeat(62), inFile().lastUtsRelease());
        area.register(text(ZoneIds.RELEASE, "a".repeat(61) + "é" + "tail"));
        assertEquals("a".repeat(61) + "é", inFile().lastUtsRelease());
    }

    @Test
    void anAreaTooSmallForTheRecordsIsRefusedBeforeAFileIsMade() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> open(KinfoRecord.AREA_LENGTH - 1));
        assertEquals("area.size 551 is too small: the kinfo records need at least 552 bytes", refused.getMessage());
        assertFalse(Files.exists(file()));
    }

    @Test
    void theSmallestAreaHoldsBothRecords() throws IOException, RegionRefusedException {
        open(KinfoRecord.AREA_LENGTH).register(region(ZoneIds.BUNDLES, 10));
        assertEquals(KinfoRecord.AREA_LENGTH, Files.size(file()));
        assertEquals(10, inFile().bundles().size());
    }

    @Test
    void aFileWithAnotherMagicIsRefusedNamingTheFileAndTheMagic() throws IOException {
        byte[] garbage = new byte[4096];
        Arrays.fill(garbage, (byte) 0x55);
        Files.write(file(), garbage);
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, this::open);
        assertTrue(refused.getMessage().startsWith(file() + ": magic_number is 0x55555555, neither 0 (never written) nor 0xcceeddff"),
                refused.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(file()), "a refused file is left as found");
    }

    @Test
    void aFileNeverWrittenIsTakenAndSizedToTheArea() throws IOException {
        Files.createFile(file(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        open(1000);
        assertEquals(1000, Files.size(file()));
        assertEquals("build 7", inFile().buildInfo());
    }

    @Test
    void anOldRecordIsZeroedAndALargerFileCutToTheArea() throws IOException, RegionRefusedException {
        KinfoArea first = open(8192);
        first.register(text(ZoneIds.RELEASE, "the run before"));
        first.register(region(ZoneIds.ELF, 64));
        // a crash: the mapping goes without the backend clearing anything
        Files.write(file(), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        assertEquals("the run before", inFile().lastUtsRelease());

        open(4096);
        assertEquals(4096, Files.size(file()));
        assertEquals(new Contents("", "build 7", 1 << 20, 64, NONE, NONE, NONE, NONE), inFile());
    }

    @Test
    void aFileOthersMayReadIsRefused() throws IOException {
        open().close();
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));
        byte[] before = Files.readAllBytes(file());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, this::open);
        assertEquals(file() + " is open to others (rw-r--r--): the kinfo record holds process addresses; make it rw-------",
                refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void aSymbolicLinkIsRefused() throws IOException {
        Path target = Files.createFile(directory.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.createSymbolicLink(file(), target);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, this::open);
        assertTrue(refused.getMessage().startsWith(file() + " is not a regular file"), refused.getMessage());
        assertEquals(0, Files.size(target));
    }

    @Test
    void closingClearsEveryEntryKeepsTheFileAndThenRefusesAndIgnores() throws IOException, RegionRefusedException {
        KinfoArea area = open();
        Region bundles = region(ZoneIds.BUNDLES, 10);
        area.register(bundles);
        area.register(text(ZoneIds.RELEASE, "r"));
        area.close();
        assertEquals(new Contents("", "build 7", 1 << 20, 64, NONE, NONE, NONE, NONE), inFile(), "no address survives the backend");
        RegionRefusedException refused = assertThrows(RegionRefusedException.class, () -> area.register(region(ZoneIds.ELF, 8)));
        assertEquals("the kinfo backend is closed", refused.getMessage());
        area.unregister(bundles);
    }

    @Test
    void threadSizeIsTheJvmsThreadStackSize() {
        // surefire starts this JVM with -Xss2m (see the pom)
        assertEquals(2 << 20, KinfoBackend.threadStackSize());
    }
}
