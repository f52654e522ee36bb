package org.kmemdump.collector;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.SmemFile;
import org.kmemdump.format.Vmcoreinfo;
import org.kmemdump.format.ZoneNotes;

/**
 * A collected ELF core opened for reading, mapped read-only: its zones are the {@code ZONE} lines
 * of its {@code VMCOREINFO} note, each one's bytes the {@code PT_LOAD} that holds its whole range.
 * A zone the missing-zones note lists is not read (its range holds zeros or nothing), nor is one
 * no {@code PT_LOAD} holds whole. Every offset and size comes from the file, so each is checked
 * against the file before it is used: what is copied (notes up to {@value Coreimage#MAX_ZONE_SIZE}
 * bytes, a zone the core stores at an offset not 8-byte aligned) is bytes the file holds, never
 * what a length field asks for.
 */
public final class CoreFile implements AutoCloseable {
    /** A zone's bytes in the core, or why there are none. */
    public record CoreZone(Vmcoreinfo.Zone zone, MemorySegment bytes, String where) {
    }

    private final Arena mapping;
    private final MemorySegment file;
    private final Path path;
    private final Vmcoreinfo vmcoreinfo;
    private final List<ZoneNotes.Mapping> files;
    private final List<ZoneNotes.Missing> missing;
    private final List<Load> loads;

    private record Load(long offset, long address, long size) {
    }

    private CoreFile(Arena mapping, MemorySegment file, Path path, Vmcoreinfo vmcoreinfo, List<ZoneNotes.Mapping> files, List<ZoneNotes.Missing> missing,
            List<Load> loads) {
        this.mapping = mapping;
        this.file = file;
        this.path = path;
        this.vmcoreinfo = vmcoreinfo;
        this.files = files;
        this.missing = missing;
        this.loads = loads;
    }

    /**
     * @return the core to read for {@code path}: {@code path} itself when it is a file, the crash
     *         entry's {@value CrashEntry#CORE} when {@code path} is a directory holding one and no raw
     *         files ({@code arena}, {@code smem}); empty when {@code path} is a kmemdump directory
     */
    public static Optional<Path> of(Path path) {
        if (Files.isDirectory(path)) {
            Path core = path.resolve(CrashEntry.CORE);
            boolean raw = Files.exists(path.resolve(ArenaFile.FILE_NAME), LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(path.resolve(SmemFile.FILE_NAME), LinkOption.NOFOLLOW_LINKS);
            return !raw && Files.exists(core, LinkOption.NOFOLLOW_LINKS) ? Optional.of(core) : Optional.empty();
        }
        return Files.exists(path) ? Optional.of(path) : Optional.empty();
    }

    /** @throws Failure (exit 3) naming the file and what in it is wrong */
    public static CoreFile open(Path path) throws Failure {
        if (!Files.isRegularFile(path)) { // a FIFO or device would block or never end
            throw Failure.input(path + (Files.exists(path) ? ": not a regular file" : ": no such file"));
        }
        Arena mapping = Arena.ofConfined();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
            return read(mapping, path, file);
        } catch (IOException e) {
            mapping.close();
            throw Failure.input(path + ": cannot read: " + IoMessages.of(e));
        } catch (Failure | RuntimeException | Error e) {
            mapping.close();
            throw e;
        }
    }

    private static CoreFile read(Arena mapping, Path path, MemorySegment file) throws Failure {
        Coreimage.ProgramHeaders headers = Coreimage.ProgramHeaders.of(file);
        if (headers.problem() != null) {
            throw Failure.input(path + ": not a kmemdump core: " + headers.problem());
        }
        List<Load> loads = new ArrayList<>();
        List<Elf64.Note> notes = new ArrayList<>();
        for (int i = 0; i < headers.phnum(); i++) {
            MemorySegment entry = headers.entry(i);
            int type = entry.get(LittleEndian.U32, Elf64.P_TYPE);
            long offset = entry.get(LittleEndian.U64, Elf64.P_OFFSET);
            long size = entry.get(LittleEndian.U64, Elf64.P_FILESZ);
            if (type != Elf64.PT_LOAD && type != Elf64.PT_NOTE) {
                continue;
            }
            if (offset < 0 || size < 0 || offset > file.byteSize() || size > file.byteSize() - offset) {
                throw Failure.input(path + ": program header " + i + " (offset " + Long.toUnsignedString(offset) + ", "
                        + Long.toUnsignedString(size) + " bytes) does not lie in the " + file.byteSize() + "-byte file (truncated?)");
            }
            if (type == Elf64.PT_LOAD) {
                loads.add(new Load(offset, entry.get(LittleEndian.U64, Elf64.P_VADDR), size));
            } else {
                try {
                    notes.addAll(Elf64.notes(file.asSlice(offset, size)));
                } catch (IllegalArgumentException e) {
                    throw Failure.input(path + ": program header " + i + ": " + e.getMessage());
                }
            }
        }
        Vmcoreinfo vmcoreinfo = null;
        List<ZoneNotes.Mapping> files = List.of();
        List<ZoneNotes.Missing> missing = List.of();
        try {
            for (Elf64.Note note : notes) {
                if (note.owner().equals(Vmcoreinfo.NOTE_NAME) && vmcoreinfo == null) {
                    vmcoreinfo = Vmcoreinfo.parse(bounded(note, path));
                } else if (note.owner().equals(Elf64.CORE_NOTE) && note.type() == ZoneNotes.NT_FILE) {
                    files = ZoneNotes.readFiles(note.descriptor());
                } else if (note.owner().equals(ZoneNotes.MISSING_NOTE) && note.type() == ZoneNotes.NT_KMEMDUMP_MISSING) {
                    missing = ZoneNotes.readMissing(bounded(note, path));
                }
            }
        } catch (IllegalArgumentException e) {
            throw Failure.input(path + ": " + e.getMessage());
        }
        if (vmcoreinfo == null) {
            throw Failure.input(path + ": not a kmemdump core: no VMCOREINFO note lists its zones");
        }
        return new CoreFile(mapping, file, path, vmcoreinfo, files, missing, List.copyOf(loads));
    }

    private static byte[] bounded(Elf64.Note note, Path path) throws Failure {
        if (note.descriptor().byteSize() > Coreimage.MAX_ZONE_SIZE) {
            throw Failure.input(path + ": the " + note.owner() + " note of " + note.descriptor().byteSize()
                    + " bytes is larger than the runtime ever writes (" + Coreimage.MAX_ZONE_SIZE + ")");
        }
        return note.descriptor().toArray(ValueLayout.JAVA_BYTE);
    }

    public Path path() {
        return path;
    }

    public Vmcoreinfo vmcoreinfo() {
        return vmcoreinfo;
    }

    /** @return the {@code NT_FILE} note's entries, none when the core has no such note */
    public List<ZoneNotes.Mapping> files() {
        return files;
    }

    /** @return the zones the core says it does not hold whole, and why */
    public List<ZoneNotes.Missing> missing() {
        return missing;
    }

    /** @return the pid the {@code VMCOREINFO} note names, 0 if none */
    public long pid() {
        try {
            return Long.parseLong(vmcoreinfo.value(Vmcoreinfo.PID).orElse("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** @return the process the core was collected from: gone as far as the core can tell */
    public OwnerProcess owner() {
        return new OwnerProcess(pid(), 0, OwnerProcess.State.DEAD, "collected into the core " + path);
    }

    /**
     * @param what the zone's contents, for messages ("log ring")
     * @throws Failure (exit 3) naming why the core holds no bytes for zone {@code id}
     */
    public CoreZone zone(int id, String what) throws Failure {
        Vmcoreinfo.Zone zone = vmcoreinfo.zones().stream().filter(each -> each.id() == id).findFirst()
                .orElseThrow(() -> Failure.input(path + ": the core's VMCOREINFO lists no zone " + id + " (" + what + ")"));
        String where = "the " + what + " zone " + id + " '" + TerminalText.clean(zone.name()) + "' at " + Sizes.hex(zone.address())
                + " in " + path;
        MemorySegment bytes = bytes(zone);
        if (bytes == null) {
            throw Failure.input(where + " is not in the core: " + absence(zone));
        }
        // a core pads zones to 4 only; the zones' formats read 8-byte fields in place
        return new CoreZone(zone, bytes.address() % Long.BYTES == 0 ? bytes : mapping.allocate(bytes.byteSize(), Long.BYTES).copyFrom(bytes),
                where);
    }

    /** @return why the core does not hold the zone's bytes, or {@code null} when it holds them whole */
    public String absence(Vmcoreinfo.Zone zone) {
        for (ZoneNotes.Missing lost : missing) {
            if (lost.id() == zone.id()) {
                return lost.kind().word() + ": " + lost.why();
            }
        }
        return bytes(zone) == null ? "no PT_LOAD holds all of its " + Long.toUnsignedString(zone.size()) + " bytes" : null;
    }

    private MemorySegment bytes(Vmcoreinfo.Zone zone) {
        if (missing.stream().anyMatch(lost -> lost.id() == zone.id())) {
            return null;
        }
        for (Load load : loads) {
            long offset = zone.address() - load.address();
            if (Long.compareUnsigned(zone.address(), load.address()) >= 0 && Long.compareUnsigned(offset, load.size()) < 0
                    && zone.size() <= load.size() - offset) {
                return file.asSlice(load.offset() + offset, zone.size());
            }
        }
        return null;
    }

    @Override
    public void close() {
        mapping.close();
    }
}
