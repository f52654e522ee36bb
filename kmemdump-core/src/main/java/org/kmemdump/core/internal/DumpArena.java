package org.kmemdump.core.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.kmemdump.api.ArenaFullException;
import org.kmemdump.directory.KeptFile;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.BootId;
import org.kmemdump.format.ZoneDirectory;

/**
 * The persistent dump arena: the file {@code <kmemdump dir>/arena} mapped shared, so its pages
 * survive the JVM, with the header an outside reader needs ({@link ArenaFile}) and a heartbeat.
 * The file is kept in the claimed {@link KmemdumpDirectory}, so a crashed run's arena was put
 * aside before this one replaces it.
 */
final class DumpArena implements SegmentAllocator, ZoneTable.Listener, AutoCloseable {
    /** A zone's block: the runtime's view (registered) and the owner's revocable mapping. */
    record Block(long offset, long size, MemorySegment registered, MemorySegment owned, Arena ownedArena) {
    }

    private final Path directoryPath;
    private final KeptFile<FileChannel> kept;
    private final FileChannel channel;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment file;
    private final ArenaAllocator allocator;
    /**
     * Where the zone area's never handed out part begins: the file is created sparse, so the bytes
     * from here on are zero already, and zeroing them again would only make their pages resident.
     */
    private long neverAllocated = ArenaFile.ZONES_START;
    /** The live blocks, by the lifetime of their owner's mapping: a segment's scope tells whether it is a part of one. */
    private final Map<MemorySegment.Scope, Block> blocks = new HashMap<>();
    /**
     * The scope {@link #canonical} last found to be no block's: it never becomes one (each block's
     * owner mapping gets a new scope), and a registry keeps registering memory of the same arena.
     */
    private MemorySegment.Scope notABlock;
    private final ZoneDirectory directory;
    private final String[] nameFieldOf = new String[ZoneDirectory.ENTRIES];
    private final byte[][] nameFields = new byte[ZoneDirectory.ENTRIES][];
    /** The backend name the header holds. */
    private String recordedBackend;
    private final ScheduledExecutorService heartbeat;
    private final ArenaSync sync;
    /**
     * A JVM that exits (System.exit, SIGTERM, SIGINT) before or without stopping the framework
     * still ended in an orderly way: say so, so the next start does not take it for a crash. A
     * crash or SIGKILL runs no hook.
     */
    private final Thread exitMark = Thread.ofPlatform().name("kmemdump-exit").unstarted(() -> markEnded(ArenaFile.ENDING_EXITED));
    /** Whether the header says how the run ended: the first to say it wins (the exit hook before a stop it causes). */
    private boolean ended;

    private DumpArena(Path directoryPath, KeptFile<FileChannel> kept, long length, ArenaSync sync) throws IOException {
        this.directoryPath = directoryPath;
        this.kept = kept;
        this.channel = kept.file();
        this.allocator = new ArenaAllocator(ArenaFile.ZONES_START, length);
        try {
            this.file = channel.map(MapMode.READ_WRITE, 0, length, arena);
            ProcessHandle self = ProcessHandle.current();
            ArenaFile.create(file, self.pid(), self.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L),
                    System.currentTimeMillis(), BootId.current());
            this.directory = ArenaFile.directory(file);
            Runtime.getRuntime().addShutdownHook(exitMark);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        // last: nothing after it can fail, so a failed open never leaves the thread running
        heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("kmemdump-heartbeat").factory());
        heartbeat.scheduleAtFixedRate(() -> ArenaFile.heartbeat(file, System.currentTimeMillis()), 1, 1, TimeUnit.SECONDS);
        this.sync = sync;
        if (sync.periodMillis() > 0) {
            heartbeat.scheduleAtFixedRate(this::force, sync.periodMillis(), sync.periodMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void markEnded(int ending) {
        if (arena.scope().isAlive() && !ended) {
            long now = System.currentTimeMillis();
            ArenaFile.heartbeat(file, now);
            ArenaFile.ended(file, ending, now);
            ended = true;
            file.force();
        }
    }

    /** Writes the arena's dirty pages to its file (msync): a no-op on tmpfs, what survives a power loss on a disk. */
    private synchronized void force() {
        if (arena.scope().isAlive()) {
            file.force();
        }
    }

    /**
     * Creates a fresh arena of {@code length} bytes (sparse: pages cost memory only once written)
     * in the directory. The claim put a crashed run's arena aside and no other owner keeps the name,
     * so an arena still there is one this runtime closed earlier (the core restarted): it goes.
     *
     * @throws IOException naming the directory or file and what is wrong
     */
    static DumpArena open(KmemdumpDirectory directory, long length) throws IOException {
        return open(directory, length, ArenaSync.NONE);
    }

    /**
     * {@link #open(KmemdumpDirectory, long)} with a policy for writing the arena to its file.
     *
     * @throws IOException naming the directory or file and what is wrong
     */
    static DumpArena open(KmemdumpDirectory directory, long length, ArenaSync sync) throws IOException {
        if (length < ArenaFile.ZONES_START + ArenaAllocator.GRANULE) {
            throw new IOException("arena size " + length + " is too small: the header and zone directory take " + ArenaFile.ZONES_START + " bytes");
        }
        KeptFile<FileChannel> kept = directory.keep(ArenaFile.FILE_NAME, path -> {
            Files.deleteIfExists(path);
            FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                channel.write(ByteBuffer.allocate(1), length - 1);
            } catch (IOException | RuntimeException e) {
                discard(channel, path, e);
                throw e;
            }
            return channel;
        });
        try {
            return new DumpArena(directory.path(), kept, length, sync);
        } catch (IOException | RuntimeException e) {
            // a half-made arena left here would pass for a crashed run's at the next start
            kept.close();
            Files.deleteIfExists(directory.path().resolve(ArenaFile.FILE_NAME));
            throw e;
        }
    }

    private static void discard(FileChannel channel, Path path, Exception failure) {
        try {
            channel.close();
            Files.delete(path);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    Path directory() {
        return directoryPath;
    }

    /**
     * The runtime's own zones: slices of the main mapping, freed only with the arena.
     *
     * @throws IllegalArgumentException if the size is below 1 or the alignment is not a power of
     *                                  two up to {@value ArenaAllocator#GRANULE} (blocks are aligned to that)
     * @throws IllegalStateException    if no free block is large enough
     */
    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteAlignment <= 0 || byteAlignment > ArenaAllocator.GRANULE || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("alignment " + byteAlignment + " is not a power of two up to "
                    + ArenaAllocator.GRANULE + ", the alignment of every arena block");
        }
        long offset = allocator.allocate(byteSize);
        if (offset < 0) {
            throw new IllegalStateException("the dump arena has no room for the runtime's " + byteSize + "-byte zone: "
                    + allocator.freeBytes() + " bytes free; raise arena.size");
        }
        return zeroed(offset, byteSize);
    }

    /** @return the block's bytes, zero: those of an earlier block are cleared, the never handed out ones already are */
    private MemorySegment zeroed(long offset, long size) {
        MemorySegment block = file.asSlice(offset, size);
        block.asSlice(0, Math.clamp(neverAllocated - offset, 0, size)).fill((byte) 0);
        neverAllocated = Math.max(neverAllocated, offset + size);
        return block;
    }

    /** A bundle's zone: registered through the main mapping, handed out as its own mapping. */
    synchronized Block allocateBlock(long size) throws ArenaFullException, IOException {
        long offset = allocator.allocate(size);
        if (offset < 0) {
            throw new ArenaFullException("the dump arena has no room for " + size + " bytes: " + allocator.freeBytes()
                    + " free, the largest block " + allocator.largestFreeBlock() + "; raise arena.size");
        }
        Arena owned = Arena.ofShared();
        try {
            MemorySegment registered = zeroed(offset, size);
            Block block = new Block(offset, size, registered, channel.map(MapMode.READ_WRITE, offset, size, owned), owned);
            blocks.put(owned.scope(), block);
            return block;
        } catch (IOException | RuntimeException e) {
            owned.close();
            allocator.free(offset, size);
            throw e;
        }
    }

    /** Revokes the owner's mapping, then returns the block. */
    synchronized void free(Block block) {
        blocks.remove(block.ownedArena().scope());
        block.ownedArena().close();
        allocator.free(block.offset(), block.size());
    }

    /**
     * @return the same bytes in the main mapping when {@code memory} lies in an owner's mapping of a
     *         live block ({@link org.kmemdump.api.ArenaZone#memory()} or a part of it), else
     *         {@code memory} itself: an owner's mapping has an address of its own, which a reader of
     *         the file cannot place, while the main mapping's base address is in the header
     */
    synchronized MemorySegment canonical(MemorySegment memory) {
        MemorySegment.Scope scope = memory.scope();
        if (scope == notABlock) {
            return memory;
        }
        Block block = blocks.get(scope);
        if (block == null) {
            notABlock = scope;
            return memory;
        }
        long offset = memory.address() - block.owned().address();
        return offset < 0 || memory.byteSize() > block.size() - offset ? memory : block.registered().asSlice(offset, memory.byteSize());
    }

    /** @return e.g. {@code /dev/shm/kmemdump-me/arena: 67108864 bytes, 66990080 free} */
    synchronized String describe() {
        return directory().resolve(ArenaFile.FILE_NAME) + ": " + file.byteSize() + " bytes, " + allocator.freeBytes() + " free";
    }

    void coreimage(MemorySegment elf, MemorySegment vmcoreinfo) {
        ArenaFile.coreimage(file, elf, vmcoreinfo);
    }

    @Override
    public synchronized void backendChanged(String name) {
        if (!name.equals(recordedBackend)) {
            ArenaFile.backend(file, name);
            recordedBackend = name;
        }
    }

    /** Rewrites the zone's directory entry only if what it records changed, so the others stay valid throughout. */
    @Override
    public synchronized void zoneChanged(ZoneSlot before, ZoneSlot after) {
        if (after == null) {
            directory.clear(before.id());
        } else if (!after.recordsAs(before)) {
            directory.set(after.id(), directoryName(after), after.address(), after.size(), after.sensitive() ? ZoneDirectory.SENSITIVE : 0);
        }
    }

    /** The zone's name field as its entry holds it, made once while the same name comes back at its id. */
    private byte[] directoryName(ZoneSlot zone) {
        int id = zone.id();
        if (!zone.name().equals(nameFieldOf[id])) {
            nameFields[id] = ZoneDirectory.nameField(zone.name());
            nameFieldOf[id] = zone.name();
        }
        return nameFields[id];
    }

    /** Syncs once per registry operation, after the coreimage zones too are written, if the policy asks. */
    @Override
    public void operationDone() {
        if (sync.onZoneChange()) {
            file.force();
        }
    }

    /**
     * Marks how the run ended and unmaps; the file stays for readers. A close while the JVM exits
     * (a shutdown hook stopping the framework) is the exit's doing, not a clean stop.
     */
    @Override
    public void close() throws IOException {
        heartbeat.shutdownNow();
        int ending = ArenaFile.ENDING_STOPPED;
        try {
            Runtime.getRuntime().removeShutdownHook(exitMark);
        } catch (IllegalStateException exiting) {
            ending = ArenaFile.ENDING_EXITED;
        }
        synchronized (this) {
            markEnded(ending);
            file.force();
            arena.close();
        }
        kept.close();
    }
}
