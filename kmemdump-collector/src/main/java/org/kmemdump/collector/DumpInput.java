package org.kmemdump.collector;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.SmemFile;

/**
 * A kmemdump directory opened for reading: its arena file mapped read-only (nothing is copied to
 * the heap; the files may be GiB) and its header checked, the smem file's minidump table if there
 * is one, and the zones the arena's zone directory lists. Closing unmaps them.
 */
public final class DumpInput implements AutoCloseable {
    private final Arena mappings;
    private final Path directory;
    private final SmemTable smem;
    private final Path arenaPath;
    private final MemorySegment arenaFile;
    private final ArenaFile.Header header;
    private final DirectoryListing zoneDirectory;
    private final ReadOnlyFile opened;
    private final int arenaOwner;
    private FileChannel arenaChannel;

    private DumpInput(Arena mappings, Path directory, SmemTable smem, Path arenaPath, MemorySegment arenaFile,
            ArenaFile.Header header, DirectoryListing zoneDirectory, ReadOnlyFile opened, int arenaOwner) {
        this.mappings = mappings;
        this.directory = directory;
        this.smem = smem;
        this.arenaPath = arenaPath;
        this.arenaFile = arenaFile;
        this.header = header;
        this.zoneDirectory = zoneDirectory;
        this.opened = opened;
        this.arenaOwner = arenaOwner;
    }

    /**
     * A missing or corrupt smem file is not a failure here ({@link SmemTable#state()} says what it
     * is): the arena's zone directory may stand in for it.
     *
     * @throws Failure (exit 3) naming the file and the field when the arena is missing or not valid
     */
    public static DumpInput open(Path directory) throws Failure {
        if (!Files.isDirectory(directory)) {
            throw Failure.input(directory + (Files.exists(directory) ? ": not a directory" : ": no such directory"));
        }
        Path arenaPath = directory.resolve(ArenaFile.FILE_NAME);
        ReadOnlyFile opened = openArena(arenaPath);
        Arena mappings = Arena.ofConfined();
        try {
            MemorySegment arenaFile = map(arenaPath, opened.path(), mappings);
            int arenaOwner = owner(arenaPath, opened.path());
            ArenaFile.Header header;
            try {
                header = ArenaFile.read(arenaFile, arenaFile.byteSize(), arenaPath.toString());
            } catch (IllegalArgumentException e) {
                throw Failure.input(e.getMessage());
            }
            SmemTable smem = SmemTable.open(directory.resolve(SmemFile.FILE_NAME), mappings);
            DirectoryListing zoneDirectory = DirectoryListing.read(header, arenaFile, extents(opened, arenaFile, arenaPath),
                    arenaPath.toString());
            return new DumpInput(mappings, directory, smem, arenaPath, arenaFile, header, zoneDirectory, opened, arenaOwner);
        } catch (Failure | RuntimeException | Error e) {
            mappings.close();
            opened.close();
            throw e;
        }
    }

    private static ReadOnlyFile openArena(Path file) throws Failure {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw Failure.input(file + ": missing");
        }
        try {
            return ReadOnlyFile.open(file);
        } catch (IOException e) {
            throw Failure.input(file + ": cannot read: " + e.getMessage());
        }
    }

    /** @param opened the file as opened: what is checked is what is read */
    private static MemorySegment map(Path file, Path opened, Arena mappings) throws Failure {
        // a FIFO or device would block or never end: only plain files are read
        if (!Files.isRegularFile(opened)) {
            throw Failure.input(file + ": not a regular file");
        }
        try (FileChannel channel = FileChannel.open(opened, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mappings);
        } catch (IOException e) {
            throw Failure.input(file + ": cannot read: " + IoMessages.of(e));
        }
    }

    private static int owner(Path file, Path opened) throws Failure {
        try {
            return (Integer) Files.getAttribute(opened, "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw Failure.input(file + ": cannot tell its owner: " + e.getMessage());
        }
    }

    public Path directory() {
        return directory;
    }

    SmemTable smem() {
        return smem;
    }

    public Path arenaPath() {
        return arenaPath;
    }

    public MemorySegment arenaFile() {
        return arenaFile;
    }

    public ArenaFile.Header header() {
        return header;
    }

    /** @return a read-only channel on the very arena file that was opened and mapped, closed with this input */
    FileChannel arenaChannel() throws Failure {
        if (arenaChannel == null) {
            try {
                arenaChannel = FileChannel.open(opened.path(), StandardOpenOption.READ);
            } catch (IOException e) {
                throw Failure.input(arenaPath + ": cannot read: " + IoMessages.of(e));
            }
        }
        return arenaChannel;
    }

    /** @return the uid that owns the arena file: only a process of that uid may have its memory read */
    int arenaOwner() {
        return arenaOwner;
    }

    /**
     * @return where the arena file holds data now (asked again on every call: a live owner fills holes)
     * @throws Failure (exit 3) when the kernel cannot say
     */
    Extents extents() throws Failure {
        return extents(opened, arenaFile, arenaPath);
    }

    private static Extents extents(ReadOnlyFile opened, MemorySegment arenaFile, Path arenaPath) throws Failure {
        try {
            return opened.extents(arenaFile.byteSize());
        } catch (IOException e) {
            throw Failure.input(arenaPath + ": cannot find its holes: " + e.getMessage());
        }
    }

    /**
     * @param ring a ring in the arena file's mapping
     * @return where its data area holds bytes now
     */
    public LogRing.Present present(LogRing ring) throws Failure {
        return extents().from(ring.dataOffsetIn(arenaFile));
    }

    /** @return what the arena's zone directory lists */
    DirectoryListing zoneDirectory() {
        return zoneDirectory;
    }

    @Override
    public void close() {
        mappings.close();
        opened.close();
        if (arenaChannel != null) {
            try {
                arenaChannel.close();
            } catch (IOException e) {
                // read-only: nothing to lose
            }
        }
    }
}
