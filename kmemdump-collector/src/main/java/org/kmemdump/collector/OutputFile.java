package org.kmemdump.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.kmemdump.format.PartFile;

/**
 * A file written under a temporary name beside its target, owner-only (it holds process memory),
 * and renamed over the target only when complete: a reader never sees half a dump, a failed run
 * leaves the old file, and nothing is written outside the target's directory. A symbolic link at
 * the target is replaced, never followed.
 */
final class OutputFile implements AutoCloseable {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private boolean committed;

    private OutputFile(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
    }

    /** @throws Failure (exit 4) when the target's directory is missing or not writable, or the target is a directory */
    static OutputFile create(Path target) throws Failure {
        Path directory = target.getParent();
        if (directory == null || target.getFileName() == null) {
            throw Failure.output(target + ": not a file name");
        }
        if (Files.isDirectory(target)) {
            throw Failure.output(target + ": is a directory");
        }
        if (!Files.isDirectory(directory)) {
            throw Failure.output(target + ": directory " + directory + " does not exist");
        }
        try {
            PartFile.Created part = PartFile.create(target, OWNER_ONLY);
            return new OutputFile(target, part.path(), part.channel());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw Failure.output(target + ": cannot create a file in " + directory + ": " + message(e), e);
        }
    }

    void position(long position) throws Failure {
        try {
            channel.position(position);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Writes all of {@code bytes} at the current position. */
    void write(ByteBuffer bytes) throws Failure {
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes); // a blocking file channel writes at least one byte or throws
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /**
     * Writes {@code length} bytes of {@code source} from {@code position} at the current position,
     * copied by the kernel ({@code copy_file_range} or {@code sendfile}).
     *
     * @return the bytes written: fewer only when the source ends early
     */
    long transferFrom(FileChannel source, long position, long length) throws Failure {
        long done = 0;
        try {
            while (done < length) {
                long taken = source.transferTo(position + done, length - done, channel);
                if (taken <= 0) {
                    break; // past the source's end: it shrank
                }
                done += taken;
            }
        } catch (IOException e) {
            throw failed(e);
        }
        return done;
    }

    /** Moves past {@code length} zeros, leaving them a hole (the file is extended over them). */
    void skip(long length) throws Failure {
        try {
            long end = channel.position() + length;
            channel.position(end);
            extendTo(end);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Writes {@code bytes} at {@code position}, leaving the current position where it was. */
    void writeAt(long position, ByteBuffer bytes) throws Failure {
        try {
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /**
     * Makes the file {@code length} bytes long; what was never written reads as zeros. Skipped
     * ranges stay holes: a GiB of lost memory costs no disk.
     */
    void extendTo(long length) throws Failure {
        try {
            if (channel.size() < length) {
                channel.write(ByteBuffer.allocate(1), length - 1);
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    long size() throws Failure {
        try {
            return channel.size();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Forces the bytes to the device, then renames the file over the target. */
    void commit() throws Failure {
        finish();
        publish();
    }

    /** Forces the bytes to the device and closes the file, still under its temporary name. */
    void finish() throws Failure {
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Renames the {@link #finish finished} file over the target. */
    void publish() throws Failure {
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Deletes the temporary file unless {@link #commit()} has moved it. */
    @Override
    public void close() {
        if (!committed) {
            try {
                channel.close();
            } catch (IOException e) {
                // the file is deleted next
            }
            deleteQuietly(temporary);
        }
    }

    private Failure failed(IOException e) {
        return Failure.output(target + ": cannot write: " + IoMessages.of(e), e);
    }

    private static String message(Exception e) {
        return e instanceof IOException io ? IoMessages.of(io) : String.valueOf(e.getMessage());
    }

    /** Deletes the temporary files a killed writer of {@code target} left beside it. */
    static void deleteLeftovers(Path target) {
        try (var files = Files.list(target.getParent())) {
            files.filter(file -> PartFile.isPartOf(target, file)).forEach(OutputFile::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            // a leftover costs space only
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stray .part file, owner-only: better than hiding the real error
            }
        }
    }
}
