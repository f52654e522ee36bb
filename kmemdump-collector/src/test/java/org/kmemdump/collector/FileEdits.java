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
        byte original = file.get(ValueLayout.JAVA_BYTE, at);
        file.set(ValueLayout.JAVA_BYTE, at, value);
        try {
            return run.get();
        } finally {
            file.set(ValueLayout.JAVA_BYTE, at, original);
        }
    }

    /** @return what {@code run} returns with the little-endian u64 at {@code at} of the live file set to {@code value}; it is put back */
    static <T> T withLong(MemorySegment file, long at, long value, Supplier<T> run) {
        long original = file.get(LittleEndian.U64, at);
        file.set(LittleEndian.U64, at, value);
        try {
            return run.get();
        } finally {
            file.set(LittleEndian.U64, at, original);
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
