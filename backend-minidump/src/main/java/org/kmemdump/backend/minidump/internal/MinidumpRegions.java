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
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.MinidumpTable.RegionName;
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
    /**
     * Which seq_nums below {@link MinidumpTable#MAX_REGIONS} (every zone id) the table holds, which
     * only this object writes: a register checks for one without a search, boxing or allocation.
     * Any other seq_num is looked up in the table, as the kernel does.
     */
    private final boolean[] held = new boolean[MinidumpTable.MAX_REGIONS];
    /** Each indexed seq_num's last name and its packed field, made once: a swap replays the same names. */
    private final Named[] names = new Named[MinidumpTable.MAX_REGIONS];
    /** For {@link MinidumpTable#removeAll}: the table's regions whose id is indexed and no longer held. */
    private final IntPredicate released = seqNum -> indexed(seqNum) && !held[seqNum];

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
        String name = region.name();
        if (name.length() >= MinidumpTable.MAX_NAME_LENGTH) {
            throw new RegionRefusedException("name '" + name + "' does not fit the " + MinidumpTable.MAX_NAME_LENGTH
                    + "-byte region name with its NUL");
        }
        if (holds(region.id())) {
            throw new RegionRefusedException("a region with seq_num " + region.id() + " is already registered in " + file + " (-EEXIST)");
        }
        if (table.regionCount() >= MinidumpTable.MAX_REGIONS) {
            throw new RegionRefusedException("the minidump table in " + file + " is full: " + MinidumpTable.MAX_REGIONS
                    + " regions (-ENOSPC)");
        }
        table.append(nameOf(region.id(), name), region.id(), region.address(), roundUpTo4(region.size()));
        mark(region.id(), true);
    }

    private record Named(String name, RegionName packed) {
    }

    private RegionName nameOf(int seqNum, String name) {
        if (!indexed(seqNum)) {
            return RegionName.of(name);
        }
        if (names[seqNum] == null || !names[seqNum].name().equals(name)) {
            names[seqNum] = new Named(name, RegionName.of(name));
        }
        return names[seqNum].packed();
    }

    /**
     * Removes the region with {@code seq_num} = the zone id, compacting the table. A missing one is
     * ignored (the kernel did not notice, and removed whatever its search returned).
     */
    synchronized void unregister(Region region) {
        if (!arena.scope().isAlive()) {
            return;
        }
        if (holds(region.id())) {
            table.remove(table.find(region.id()));
            mark(region.id(), false);
        }
    }

    /** Removes all of these regions (missing ones are ignored) as {@link #unregister} of each would, compacting once. */
    synchronized void unregisterAll(List<Region> regions) {
        if (!arena.scope().isAlive()) {
            return;
        }
        boolean any = false;
        for (Region region : regions) {
            int id = region.id();
            if (!indexed(id)) {
                unregister(region);
            } else if (held[id]) {
                held[id] = false;
                any = true;
            }
        }
        if (any) {
            table.removeAll(released);
        }
    }

    private static boolean indexed(int seqNum) {
        return seqNum >= 0 && seqNum < MinidumpTable.MAX_REGIONS;
    }

    private void mark(int seqNum, boolean isHeld) {
        if (indexed(seqNum)) {
            held[seqNum] = isHeld;
        }
    }

    /** @return whether the table holds a region with this seq_num */
    private boolean holds(int seqNum) {
        return indexed(seqNum) ? held[seqNum] : table.find(seqNum) >= 0;
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
