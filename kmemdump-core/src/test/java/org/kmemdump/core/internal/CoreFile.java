package org.kmemdump.core.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.kmemdump.format.Elf64;

/**
 * Reads a little-endian ELF64 core file with the offsets of the System V gABI, written out here
 * rather than taken from {@link Elf64}, so that tests check the writer against the format and not
 * against itself.
 */
final class CoreFile {
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;

    /** One Elf64_Phdr. */
    record Segment(int type, int flags, long offset, long vaddr, long filesz, long memsz) {
    }

    /** One note: owner name (without its NUL), type and descriptor bytes. */
    record Note(String name, int type, byte[] descriptor) {
        String text() {
            return new String(descriptor, StandardCharsets.UTF_8);
        }
    }

    private final byte[] bytes;
    private final ByteBuffer in;

    CoreFile(byte[] bytes) {
        this.bytes = bytes;
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    int type() {
        return Short.toUnsignedInt(in.getShort(16));
    }

    int machine() {
        return Short.toUnsignedInt(in.getShort(18));
    }

    int phnum() {
        return Short.toUnsignedInt(in.getShort(56));
    }

    List<Segment> segments() {
        long phoff = in.getLong(32);
        int phentsize = Short.toUnsignedInt(in.getShort(54));
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum(); i++) {
            int at = Math.toIntExact(phoff + (long) i * phentsize);
            segments.add(new Segment(in.getInt(at), in.getInt(at + 4), in.getLong(at + 8), in.getLong(at + 16),
                    in.getLong(at + 32), in.getLong(at + 40)));
        }
        return segments;
    }

    /** @return the PT_LOAD segments, in program header order */
    List<Segment> loads() {
        return segments().stream().filter(segment -> segment.type() == PT_LOAD).toList();
    }

    /** @return the notes of the first PT_NOTE segment, which must end exactly with its last note */
    List<Note> notes() {
        return notes(segments().stream().filter(s -> s.type() == PT_NOTE).findFirst().orElseThrow());
    }

    /** @return the notes of a PT_NOTE segment, which must end exactly with its last note */
    List<Note> notes(Segment segment) {
        int at = Math.toIntExact(segment.offset());
        int end = Math.toIntExact(segment.offset() + segment.filesz());
        List<Note> notes = new ArrayList<>();
        while (at < end) {
            int namesz = in.getInt(at);
            int descsz = in.getInt(at + 4);
            int type = in.getInt(at + 8);
            int name = at + 12;
            int descriptor = name + (int) CoreFixture.padded(namesz);
            notes.add(new Note(new String(bytes, name, namesz - 1, StandardCharsets.US_ASCII), type,
                    Arrays.copyOfRange(bytes, descriptor, descriptor + descsz)));
            at = descriptor + (int) CoreFixture.padded(descsz);
        }
        if (at != end) {
            throw new IllegalStateException("the last note ends at " + at + ", the PT_NOTE segment at " + end);
        }
        return notes;
    }

    Note note(String name, int type) {
        return notes().stream().filter(note -> note.name().equals(name) && note.type() == type).findFirst()
                .orElseThrow(() -> new AssertionError("no note " + name + "/" + type + " in " + notes()));
    }

    /**
     * @return the file as the zones alone make it: without the notes appended after them, and
     *         without their PT_NOTE (the last program header, in a slot the ELF zone left zero)
     *         and the e_phnum it raised; fails unless exactly that was appended
     */
    byte[] zones() {
        Segment appended = segments().get(phnum() - 1);
        if (appended.type() != PT_NOTE || appended.offset() + appended.filesz() != bytes.length) {
            throw new AssertionError("the last program header is no PT_NOTE ending the file: " + appended);
        }
        byte[] zones = Arrays.copyOf(bytes, Math.toIntExact(appended.offset()));
        int slot = Math.toIntExact(in.getLong(32) + (phnum() - 1L) * Short.toUnsignedInt(in.getShort(54)));
        Arrays.fill(zones, slot, slot + Short.toUnsignedInt(in.getShort(54)), (byte) 0);
        ByteBuffer.wrap(zones).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) (phnum() - 1));
        return zones;
    }

    /** @return the bytes a segment covers in the file */
    byte[] contents(Segment segment) {
        return Arrays.copyOfRange(bytes, Math.toIntExact(segment.offset()), Math.toIntExact(segment.offset() + segment.filesz()));
    }
}
