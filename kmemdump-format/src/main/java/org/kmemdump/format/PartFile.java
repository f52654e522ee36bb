package org.kmemdump.format;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The temporary file a dump is written to beside its target, then renamed over it when complete, so
 * a reader never sees half a dump: {@code .<target's name>.<pid>.<n>.part}, owner-only (it holds
 * process memory). It is made by name with {@code O_CREAT|O_EXCL}, so a link or file already at a
 * name is never followed or overwritten: the next name is tried. The target's name is cut to 218
 * bytes, so every name a target may have (Linux allows 255 bytes) gets a temporary name that fits.
 *
 * <p>Not {@code Files.createTempFile}: its random names seed a {@code SecureRandom}, which costs a
 * collector's start about 20 ms and protects nothing that exclusive creation does not.
 */
public final class PartFile {
    public static final String SUFFIX = ".part";
    /** Linux's 255 bytes for a name, less the three dots, the longest pid (10 digits), the longest counter (19) and the suffix. */
    static final int NAME_BYTES = 255 - 3 - 10 - 19 - SUFFIX.length();
    /** How many names in a row are tried before giving up. */
    static final int ATTEMPTS = 100;
    private static final Set<StandardOpenOption> CREATE_NEW_FOR_WRITING = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final AtomicLong NEXT = new AtomicLong();
    private static final Pattern NUMBERS_AND_SUFFIX = Pattern.compile("[0-9]+(\\.[0-9]+)?" + Pattern.quote(SUFFIX));

    /** A temporary file made for a target: its path, open for writing at position 0. */
    public record Created(Path path, FileChannel channel) {
    }

    private PartFile() {
    }

    /**
     * @param target the file the dump will be renamed to; its directory must exist
     * @throws IOException as the file system refuses, or naming the last name tried when 100 names
     *                     in a row are taken
     * @throws IllegalArgumentException if {@code target} is null or names no file ({@code /}), or
     *                                  {@code permissions} is null; nothing is created then
     */
    public static Created create(Path target, Set<PosixFilePermission> permissions) throws IOException {
        if (permissions == null) {
            throw new IllegalArgumentException("the permissions of the temporary file of " + target + " are null");
        }
        String prefix = prefix(target) + ProcessHandle.current().pid() + ".";
        for (int attempt = 1;; attempt++) {
            Path path = target.resolveSibling(prefix + NEXT.getAndIncrement() + SUFFIX);
            try {
                return new Created(path, FileChannel.open(path, CREATE_NEW_FOR_WRITING, PosixFilePermissions.asFileAttribute(permissions)));
            } catch (FileAlreadyExistsException e) {
                // left by a killed writer with this pid, or anything else already there: the next name
                if (attempt == ATTEMPTS) {
                    throw new IOException(ATTEMPTS + " temporary names in a row, up to " + path.getFileName() + ", are taken");
                }
            }
        }
    }

    /**
     * @return whether {@code file} has a name {@link #create} may have given a temporary file of
     *         {@code target} ({@code .core.elf.<pid>.<n>.part}), or {@code Files.createTempFile} did
     *         before ({@code .core.elf.<random>.part}); never one of another target whose name
     *         merely begins the same ({@code .core.elf.bak.<pid>.<n>.part})
     * @throws IllegalArgumentException if either is null or names no file ({@code /})
     */
    public static boolean isPartOf(Path target, Path file) {
        String name = fileName(file, "file");
        String prefix = prefix(target);
        return name.startsWith(prefix) && NUMBERS_AND_SUFFIX.matcher(name).region(prefix.length(), name.length()).matches();
    }

    /** @return a dot, the target's name cut to {@link #NAME_BYTES} on a code point boundary, a dot */
    static String prefix(Path target) {
        String name = fileName(target, "target");
        int end = 0;
        for (int bytes = 0, next; end < name.length(); end = next) {
            next = name.offsetByCodePoints(end, 1);
            bytes += name.substring(end, next).getBytes(StandardCharsets.UTF_8).length;
            if (bytes > NAME_BYTES) {
                break;
            }
        }
        return "." + name.substring(0, end) + ".";
    }

    private static String fileName(Path path, String what) {
        if (path == null || path.getFileName() == null) {
            throw new IllegalArgumentException("the " + what + " " + path + " names no file: a temporary file is named after one");
        }
        return path.getFileName().toString();
    }
}
