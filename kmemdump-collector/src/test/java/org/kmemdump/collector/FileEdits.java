package org.kmemdump.collector;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.kmemdump.format.LittleEndian;

/**
 * How the corruption tests change a kmemdump directory's files: a byte or a u64 of a live mapping
 * for the length of one run, or copies that are edited, cut short or extended.
 */
final class FileEdits {

    private FileEdits() {
    }

    /** @return what {@code run} returns with byte {@code at} of the live file set to {@code value}; the byte is put back */
    static <T> T withByte(MemorySegment file, long at, byte value, Supplier<T> run) {
        return withBytes(file, at, MemorySegment.ofArray(new byte[] {value}), run);
    }

    /** @return what {@code run} returns with the little-endian u64 at {@code at} of the live file set to {@code value}; it is put back */
    static <T> T withLong(MemorySegment file, long at, long value, Supplier<T> run) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[Long.BYTES]);
        bytes.set(LittleEndian.U64, 0, value);
        return withBytes(file, at, bytes, run);
    }

    private static <T> T withBytes(MemorySegment file, long at, MemorySegment value, Supplier<T> run) {
        MemorySegment target = file.asSlice(at, value.byteSize());
        byte[] original = target.toArray(ValueLayout.JAVA_BYTE);
        target.copyFrom(value);
        try {
            return run.get();
        } finally {
            target.copyFrom(MemorySegment.ofArray(original));
        }
    }

    /** @return {@code copy}, a new directory holding copies of those of the {@code names} files that {@code directory} has */
    static Path copy(Path directory, Path copy, String... names) throws IOException {
        Files.createDirectory(copy);
        for (String name : names) {
            if (Files.exists(directory.resolve(name))) {
                Files.copy(directory.resolve(name), copy.resolve(name));
            }
        }
        return copy;
    }

    /** Cuts the file to {@code length} bytes, or extends it there (sparse) */
    static void resize(Path file, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (length > channel.size()) {
                channel.write(ByteBuffer.allocate(1), length - 1);
            } else {
                channel.truncate(length);
            }
        }
    }

    /** Maps the file read-write for {@code change} */
    static void edit(Path file, Consumer<MemorySegment> change) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            change.accept(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena));
        }
    }
}
