package org.kmemdump.backend.minidump.internal;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;

/**
 * The application subsystem's regions in the minidump table of an SMEM file, with the kernel
 * backend's rules for registering and unregistering them. Open, register and unregister, close;
 * the file stays for the collector.
 *
 * <p>Thread-safe: every method is synchronized; once closed, registrations are refused and
 * unregistrations ignored.
 */
final class MinidumpRegions implements Closeable {
    /** The kernel's message when the bootloader did not set up the table of contents. */
    static final String NOT_INITIALIZED = "minidump table is not initialized";

    /** The file tells where process memory lies: nobody else needs to read it. */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path file;
    private final Arena arena;
    private final MinidumpTable table;
    /** The seq_nums in the table, which only this object writes: a register checks for one without a search. */
    private final Set<Integer> seqNums = new HashSet<>();

    private MinidumpRegions(Path file, Arena arena, MinidumpTable table) {
        this.file = file;
        this.arena = arena;
        this.table = table;
    }

    /**
     * Opens the SMEM file, or creates it (owner-only, with an initialized table of contents, as a
     * bootloader would), and enables the application subsystem with no regions.
     *
     * @throws IOException              if the file cannot be created, opened or mapped
     * @throws IllegalArgumentException naming the file and what is wrong with it: the header field
     *                                  that shows it is not an SMEM file, or an uninitialized table
     */
    static MinidumpRegions open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment smem;
            MinidumpTable table;
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                smem = map(file, arena, false);
                // check before reopen, which records the new mapping address: a refused file is left as found
                SmemFile.check(smem, file.toString());
                if (!SmemFile.table(smem).tocInitialized()) {
                    throw new IllegalArgumentException(file + ": " + NOT_INITIALIZED + " (the global table of contents has status 0)");
                }
                table = SmemFile.reopen(smem, file.toString());
            } else {
                smem = map(file, arena, true);
                table = SmemFile.create(smem);
            }
            table.enableApss(SmemFile.regionsAddress(smem));
            return new MinidumpRegions(file, arena, table);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path file, Arena arena, boolean create) throws IOException {
        try (FileChannel channel = create
                ? FileChannel.open(file, Set.of(CREATE_NEW, READ, WRITE, LinkOption.NOFOLLOW_LINKS), OWNER_ONLY)
                : FileChannel.open(file, READ, WRITE, LinkOption.NOFOLLOW_LINKS)) {
            // Mapping past the end grows the file: do that to a new file only, so a truncated one is reported.
            long length = create ? SmemFile.LENGTH : Math.min(channel.size(), SmemFile.LENGTH);
            return channel.map(MapMode.READ_WRITE, 0, length, arena);
        }
    }

    /**
     * Appends the region as the kernel does: {@code seq_num} = the zone id, the size rounded up to
     * 4. Refused, with the table unchanged, like the kernel's {@code -EINVAL}, {@code -EEXIST} and
     * {@code -ENOSPC}.
     */
    synchronized void register(Region region) throws RegionRefusedException {
        if (!arena.scope().isAlive()) {
            throw new RegionRefusedException("the minidump backend is closed");
        }
        if (region.address() == 0 || region.size() == 0) {
            throw new RegionRefusedException("address 0x" + Long.toHexString(region.address()) + ", size " + region.size()
                    + ": a minidump region needs both (-EINVAL)");
        }
        if (region.name().length() >= MinidumpTable.MAX_NAME_LENGTH) {
            throw new RegionRefusedException("name '" + region.name() + "' does not fit the " + MinidumpTable.MAX_NAME_LENGTH
                    + "-byte region name with its NUL");
        }
        if (seqNums.contains(region.id())) {
            throw new RegionRefusedException("a region with seq_num " + region.id() + " is already registered in " + file + " (-EEXIST)");
        }
        if (table.regionCount() >= MinidumpTable.MAX_REGIONS) {
            throw new RegionRefusedException("the minidump table in " + file + " is full: " + MinidumpTable.MAX_REGIONS
                    + " regions (-ENOSPC)");
        }
        table.append(region.name(), region.id(), region.address(), roundUpTo4(region.size()));
        seqNums.add(region.id());
    }

    /**
     * Removes the region with {@code seq_num} = the zone id, compacting the table. A missing one is
     * ignored (the kernel did not notice, and removed whatever its search returned).
     */
    synchronized void unregister(Region region) {
        if (!arena.scope().isAlive()) {
            return;
        }
        if (seqNums.remove(region.id())) {
            table.remove(table.find(region.id()));
        }
    }

    /** Removes all of these regions (missing ones are ignored) as {@link #unregister} of each would, compacting once. */
    synchronized void unregisterAll(List<Region> regions) {
        if (!arena.scope().isAlive()) {
            return;
        }
        Set<Integer> removed = new HashSet<>();
        for (Region region : regions) {
            if (seqNums.remove(region.id())) {
                removed.add(region.id());
            }
        }
        if (!removed.isEmpty()) {
            table.removeAll(removed::contains);
        }
    }

    /** Disables the application subsystem, so a reader finds no regions, and unmaps the file. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            table.disableApss();
            arena.close();
        }
    }

    /** The kernel stores sizes rounded up to 4, as the minidump reader expects. */
    static long roundUpTo4(long size) {
        return (size + 3) & ~3L;
    }

    @Override
    public String toString() {
        return "minidump regions in " + file;
    }
}
