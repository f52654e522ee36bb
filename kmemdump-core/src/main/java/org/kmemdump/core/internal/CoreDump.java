package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.ELF;
import static org.kmemdump.api.ZoneIds.VMCOREINFO;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.kmemdump.format.Elf64;
import org.kmemdump.format.PartFile;
import org.kmemdump.format.ZoneNotes;

/**
 * Writes an ELF core of the running process from the live zones: the coreimage zones, then every
 * other zone, in ascending id order, each padded to a multiple of 4, exactly as the coreimage
 * program headers say. The zone list and the two coreimage zones are copied under the table lock,
 * so the headers match the data; the other zones are read afterwards, without blocking
 * registrations. A zone whose memory was freed is reported lost and written as zeros, never read.
 * A sensitive zone is written as zeros too, unless the operator asked for it explicitly. After the
 * zones come the {@link ZoneNotes}: every zone's name, and those lost or withheld with why.
 */
final class CoreDump {
    static final String WITHHELD = "sensitive: not collected (kmemdump:dump --include-sensitive FILE writes its bytes)";

    /** What became of one zone: {@code problem} is {@code null} when its bytes were written. */
    record Outcome(ZoneSlot zone, String problem) {
        /** @return whether the zone's bytes were left out because it is sensitive, not lost */
        boolean withheld() {
            return WITHHELD.equals(problem);
        }
    }

    private static final int CHUNK = 1 << 20;

    private CoreDump() {
    }

    /** @param includeSensitive whether sensitive zones' bytes are written: only when an operator asks */
    /** @return the line {@code kmemdump:dump} ends with: how many zones were written, lost and left out as sensitive */
    static String summary(Path file, List<Outcome> outcomes) {
        long withheld = outcomes.stream().filter(Outcome::withheld).count();
        long lost = outcomes.stream().filter(o -> o.problem() != null).count() - withheld;
        return "wrote " + file + ": " + outcomes.size() + " zones, " + (outcomes.size() - lost - withheld) + " ok, " + lost + " lost"
                + (withheld == 0 ? "" : ", " + withheld + " sensitive not collected");
    }

    static List<Outcome> write(ZoneTable table, Path file, boolean includeSensitive) throws IOException {
        record Snapshot(List<ZoneSlot> zones, byte[] elf, byte[] vmcoreinfo) {
        }
        Snapshot snapshot = table.locked(() -> {
            List<ZoneSlot> zones = table.zones();
            if (zones.size() < 2 || zones.get(0).id() != ELF || zones.get(1).id() != VMCOREINFO) {
                return null;
            }
            return new Snapshot(zones, zones.get(0).memory().toArray(ValueLayout.JAVA_BYTE),
                    zones.get(1).memory().toArray(ValueLayout.JAVA_BYTE));
        });
        if (snapshot == null) {
            throw new IOException("no core to dump: the coreimage zones ELF and VMCOREINFO are not registered");
        }
        Path target = file.toAbsolutePath().normalize();
        Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new NoSuchFileException(String.valueOf(directory), null, "the dump's directory does not exist");
        }
        PartFile.Created part = PartFile.create(target, PosixFilePermissions.fromString("rw-------"));
        Path temporary = part.path();
        List<Outcome> outcomes = new ArrayList<>();
        try (FileChannel out = part.channel()) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            for (ZoneSlot zone : snapshot.zones()) {
                long end = out.position() + Elf64.align4(zone.size());
                String problem = null;
                if (zone.id() == ELF) {
                    out.write(ByteBuffer.wrap(snapshot.elf()));
                } else if (zone.id() == VMCOREINFO) {
                    out.write(ByteBuffer.wrap(snapshot.vmcoreinfo()));
                } else if (zone.sensitive() && !includeSensitive) {
                    problem = WITHHELD;
                } else {
                    problem = copy(zone, out, buffer);
                }
                zeroFill(out, end, buffer);
                outcomes.add(new Outcome(zone, problem));
            }
            appendZoneNotes(out, snapshot.elf(), outcomes);
            out.force(false);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return outcomes;
    }

    /**
     * Appends the {@link ZoneNotes} after the zones, under a {@code PT_NOTE} in the ELF zone's room
     * for program headers: the core names every zone and says which it lacks and why, and the
     * zones' bytes stay the coreimage's.
     */
    private static void appendZoneNotes(FileChannel out, byte[] elf, List<Outcome> outcomes) throws IOException {
        List<ZoneNotes.Mapping> mappings = new ArrayList<>();
        List<ZoneNotes.Missing> missing = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            ZoneSlot zone = outcome.zone();
            mappings.add(new ZoneNotes.Mapping(zone.address(), zone.address() + zone.size(), 0, ZoneNotes.mappingName(zone.id(), zone.name())));
            if (outcome.problem() != null) {
                missing.add(ZoneNotes.Missing.of(zone.id(), outcome.withheld() ? ZoneNotes.Kind.WITHHELD : ZoneNotes.Kind.LOST,
                        outcome.problem()));
            }
        }
        byte[] notes = ZoneNotes.notes(mappings, missing);
        long end = out.position();
        byte[] headers = ZoneNotes.headersWithNotes(elf, end, notes.length);
        if (headers != null) {
            out.write(ByteBuffer.wrap(notes), end);
            out.write(ByteBuffer.wrap(headers), 0);
        }
    }

    /** @return {@code null} if all bytes were copied, else why the zone is lost */
    private static String copy(ZoneSlot zone, FileChannel out, ByteBuffer buffer) throws IOException {
        // the whole array: ofBuffer would take the buffer's current position and limit, left by the last write
        MemorySegment heap = MemorySegment.ofArray(buffer.array());
        for (long at = 0; at < zone.size(); at += CHUNK) {
            int length = (int) Math.min(CHUNK, zone.size() - at);
            try {
                // copy through the heap: I/O on the zone itself would keep its owner from freeing it
                MemorySegment.copy(zone.memory(), at, heap, 0, length);
            } catch (IllegalStateException e) {
                return at == 0 ? "lost: its memory was freed" : "lost: its memory was freed during the dump";
            }
            out.write(buffer.clear().limit(length));
        }
        return null;
    }

    private static void zeroFill(FileChannel out, long end, ByteBuffer buffer) throws IOException {
        while (out.position() < end) {
            buffer.clear();
            Arrays.fill(buffer.array(), 0, (int) Math.min(buffer.capacity(), end - out.position()), (byte) 0);
            out.write(buffer.limit((int) Math.min(buffer.capacity(), end - out.position())));
        }
    }
}
