package org.kmemdump.collector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.kmemdump.core.internal.RuntimeCoreimage;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;
import org.kmemdump.format.ThreadsSnapshot;
import org.kmemdump.format.ZoneDirectory;

/**
 * A kmemdump directory built the way the runtime and the minidump backend build one: real smem and
 * arena files mapped shared, written with the kmemdump-format writers, zones carved from the arena
 * or living in this process, each appended to the minidump table. With the runtime's coreimage
 * zones ({@link #withCoreimage}, {@link #arenaOnly}), each zone is also registered as the runtime
 * does: an entry in the arena's zone directory, a PT_LOAD in the ELF zone, a line in the VMCOREINFO
 * text. {@link #arenaOnly} leaves the smem file out, as the runtime does with the default backend:
 * the zones are then listed by the zone directory alone; {@link #withoutCoreimage} leaves the zone
 * directory empty.
 */
final class DumpFixture implements AutoCloseable {
    static final long ARENA_LENGTH = 64 * 1024;
    static final String BACKEND = "minidump";
    /** The backend an arena-only directory names: the default one, which keeps no table. */
    static final String DEFAULT_BACKEND = "default";
    /** The kinfo file's length: the kinfo backend's reserved area, larger than the records. */
    static final long KINFO_LENGTH = 4096;
    /** Zone memory alignment, as the runtime allocates: the bytes after a short zone are zeros. */
    private static final long ZONE_ALIGNMENT = 8;
    private static final int ALPHABET = 26;

    /** A zone as the test made it. */
    record Zone(int id, String name, MemorySegment memory) {
        long address() {
            return memory.address();
        }

        byte[] bytes() {
            return memory.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** The arena header's owner: a pid and the start time that goes with it. */
    record Owner(long pid, long startTime) {
        static Owner self() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(self.pid(), self.info().startInstant().orElseThrow().toEpochMilli());
        }

        /** @return where this run's entry is in the crash store of the kmemdump directory {@code directory} */
        Path crashEntry(Path directory) {
            return directory.resolve(CrashEntry.CRASHES).resolve(CrashEntry.id(startTime, pid));
        }

        /** @return a pid whose process has exited and been reaped */
        static Owner dead() throws IOException, InterruptedException {
            Process process = new ProcessBuilder("true").start();
            process.waitFor();
            return new Owner(process.pid(), System.currentTimeMillis());
        }
    }

    private final Path directory;
    private final Arena mappings = Arena.ofShared();
    private final MemorySegment smem;
    private final MemorySegment arena;
    private final MinidumpTable table;
    private final ZoneAllocator zoneMemory;
    private final RuntimeCoreimage coreimage;
    private final List<Zone> zones = new ArrayList<>();
    private MemorySegment kinfo;

    private DumpFixture(Path directory, Owner owner, boolean withCoreimage, long arenaLength, boolean withSmem) throws IOException {
        this.directory = Files.createDirectories(directory);
        if (withSmem) {
            smem = map(directory.resolve(SmemFile.FILE_NAME), SmemFile.LENGTH);
            table = SmemFile.create(smem);
            table.enableApss(SmemFile.regionsAddress(smem));
        } else {
            smem = null;
            table = null;
        }
        arena = map(directory.resolve(ArenaFile.FILE_NAME), arenaLength);
        ArenaFile.create(arena, owner.pid(), owner.startTime(), System.currentTimeMillis());
        ArenaFile.backend(arena, withSmem ? BACKEND : DEFAULT_BACKEND);
        zoneMemory = new ZoneAllocator(arena, ArenaFile.ZONES_START);
        if (withCoreimage) {
            coreimage = new RuntimeCoreimage(zoneMemory, owner.pid(), ArenaFile.directory(arena));
            ArenaFile.coreimage(arena, coreimage.elf(), coreimage.vmcoreinfo());
            append(KnownZones.ELF, "ELF", coreimage.elf());
            append(KnownZones.VMCOREINFO, "VMCOREINFO", coreimage.vmcoreinfo());
        } else {
            coreimage = null;
        }
    }

    static DumpFixture withCoreimage(Path directory, Owner owner) throws IOException {
        return new DumpFixture(directory, owner, true, ARENA_LENGTH, true);
    }

    /** No smem file: the runtime with the default backend (or none) active. */
    static DumpFixture arenaOnly(Path directory, Owner owner) throws IOException {
        return new DumpFixture(directory, owner, true, ARENA_LENGTH, false);
    }

    /** @param arenaLength the arena file's length; sparse, so a large one costs what is written */
    static DumpFixture withCoreimage(Path directory, Owner owner, long arenaLength) throws IOException {
        return new DumpFixture(directory, owner, true, arenaLength, true);
    }

    static DumpFixture withoutCoreimage(Path directory, Owner owner) throws IOException {
        return new DumpFixture(directory, owner, false, ARENA_LENGTH, true);
    }

    /** The zones most tests use: text, odd sizes, a page; ids out of order, as a table may list them. */
    DumpFixture standardZones() {
        addArenaZone(KnownZones.CONFIG, "config", cString("java.vm.name=test\nos.arch=amd64\n"));
        addArenaZone(51, "thirteen", pattern(13, 9));
        addArenaZone(KnownZones.BANNER, "banner", cString("kmemdump collector test banner"));
        addArenaZone(50, "page", pattern(4096, 5));
        addArenaZone(49, "five", pattern(5, 0));
        return this;
    }

    private MemorySegment map(Path file, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, length, mappings);
        }
    }

    /** A zone in the arena file, holding {@code content}. */
    Zone addArenaZone(int id, String name, byte[] content) {
        Zone zone = addArenaZone(id, name, content.length);
        zone.memory().copyFrom(MemorySegment.ofArray(content));
        return zone;
    }

    /** A zone of {@code size} zero bytes in the arena file. */
    Zone addArenaZone(int id, String name, long size) {
        return add(id, name, zoneMemory.allocate(size, ZONE_ALIGNMENT));
    }

    /** A zone in any memory of this process: the collector can only read it through /proc. */
    Zone addProcessZone(int id, String name, MemorySegment memory) {
        return add(id, name, memory);
    }

    private Zone add(int id, String name, MemorySegment memory) {
        if (coreimage != null) {
            coreimage.register(id, name, memory);
        }
        return append(id, name, memory);
    }

    /** Only the minidump table learns of it (the zone directory and coreimage do not): a table ahead of the runtime's records. */
    Zone append(int id, String name, MemorySegment memory) {
        if (table != null) {
            table.append(name, id, memory.address(), Elf64.align4(memory.byteSize()));
        }
        Zone zone = new Zone(id, name, memory);
        zones.add(zone);
        return zone;
    }

    /** @return the zones in ascending id order, each padded with zeros to 4: the coreimage core file */
    byte[] concatenation() {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (Zone zone : zones()) {
            byte[] bytes = zone.bytes();
            file.writeBytes(bytes);
            file.writeBytes(new byte[(int) (Elf64.align4(bytes.length) - bytes.length)]);
        }
        return file.toByteArray();
    }

    /** Takes a zone out of the minidump table only, as a backend that refused or dropped it: the zone directory still lists it. */
    DumpFixture removeFromTable(int id) {
        table.remove(table.find(id));
        return this;
    }

    /**
     * The runtime's log ring: zone 7 'log' carved from the arena and registered as the runtime
     * registers a zone (zone directory entry, PT_LOAD, table region), an empty ring written over it.
     */
    LogRing logRing(long size) {
        return LogRing.create(addArenaZone(KnownZones.LOG, "log", size).memory());
    }

    /** The runtime's threads zone: zone 8 'threads' carved from the arena and registered, without snapshots. */
    ThreadsSnapshot threadsZone(long size) {
        return ThreadsSnapshot.create(addArenaZone(KnownZones.THREADS, "threads", size).memory());
    }

    /**
     * {@code DIR/kinfo} as the kinfo backend keeps it: a reserved area holding the record, with the
     * release, and pointers at the coreimage zones and the log ring (zone 7) when there are ones.
     */
    KinfoRecord kinfo(String release) throws IOException {
        kinfo = map(directory.resolve(KinfoRecord.FILE_NAME), KINFO_LENGTH);
        KinfoRecord record = KinfoRecord.create(kinfo, "collector test build", 1 << 20);
        record.lastUtsRelease(release);
        if (coreimage != null) {
            record.elf(new KinfoRecord.Pointer(coreimage.elf().address(), coreimage.elf().byteSize()));
            record.vmcoreinfo(new KinfoRecord.Pointer(coreimage.vmcoreinfo().address(), coreimage.vmcoreinfo().byteSize()));
        }
        zones.stream().filter(zone -> zone.id() == KnownZones.LOG).findFirst()
                .ifPresent(log -> record.log(new KinfoRecord.Pointer(log.address(), log.memory().byteSize())));
        return record;
    }

    /** @return the kinfo file's mapping, which {@link #kinfo} made */
    MemorySegment kinfoArea() {
        return kinfo;
    }

    /** @return the VMCOREINFO zone's text, up to its NUL */
    String vmcoreinfoText() {
        return coreimageZone(KnownZones.VMCOREINFO).getString(0, StandardCharsets.ISO_8859_1);
    }

    /** Overwrites the VMCOREINFO zone with {@code text} and NULs, as the runtime's rewrite does, but with any bytes. */
    void vmcoreinfoText(String text) {
        MemorySegment zone = coreimageZone(KnownZones.VMCOREINFO);
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        zone.fill((byte) 0);
        zone.copyFrom(MemorySegment.ofArray(bytes));
    }

    /** @return a copy of the ELF zone, to put back with {@link #elfZone(byte[])} */
    byte[] elfZone() {
        return coreimageZone(KnownZones.ELF).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Overwrites the ELF zone: the state of an earlier rewrite, as a kill before the runtime rewrote it leaves it. */
    void elfZone(byte[] bytes) {
        coreimageZone(KnownZones.ELF).copyFrom(MemorySegment.ofArray(bytes));
    }

    private MemorySegment coreimageZone(int id) {
        if (coreimage == null) {
            throw new IllegalStateException("a fixture without coreimage zones");
        }
        return id == KnownZones.ELF ? coreimage.elf() : coreimage.vmcoreinfo();
    }

    /** @return the arena's zone directory, as the runtime writes it */
    ZoneDirectory zoneDirectory() {
        return ArenaFile.directory(arena);
    }

    /** @return the arena file offset of zone directory entry {@code id} */
    static long directoryEntry(int id) {
        return ArenaFile.DIRECTORY_START + (long) id * ZoneDirectory.ENTRY_SIZE;
    }

    /** @return whether {@code [address, address + size)} lies in the arena file's zone part */
    boolean inArena(long address, long size) {
        long offset = address - arena.address();
        return offset >= ArenaFile.ZONES_START && offset <= arena.byteSize() && size >= 0 && size <= arena.byteSize() - offset;
    }

    List<Zone> zones() {
        return zones.stream().sorted(Comparator.comparingInt(Zone::id)).toList();
    }

    Zone zone(int id) {
        return zones.stream().filter(zone -> zone.id() == id).findFirst().orElseThrow();
    }

    Path directory() {
        return directory;
    }

    MinidumpTable table() {
        return table;
    }

    MemorySegment arena() {
        return arena;
    }

    MemorySegment smem() {
        return smem;
    }

    /** @return {@code size} letters running through the alphabet from {@code seed}: no NUL, readable in a hex dump */
    static byte[] pattern(int size, int seed) {
        return IntStream.range(0, size).mapToObj(i -> String.valueOf((char) ('a' + (seed + i) % ALPHABET)))
                .collect(Collectors.joining()).getBytes(StandardCharsets.US_ASCII);
    }

    /** @return {@code text} with the NUL that ends a C string, so gdb's x/s stops there */
    static byte[] cString(String text) {
        return Arrays.copyOf(text.getBytes(StandardCharsets.US_ASCII), text.length() + 1);
    }

    @Override
    public void close() {
        mappings.close();
    }
}
