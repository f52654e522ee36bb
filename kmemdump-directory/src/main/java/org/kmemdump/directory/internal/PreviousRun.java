package org.kmemdump.directory.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.ArenaFile;

/**
 * The files an earlier run left in a directory just claimed: a run that did not shut down cleanly
 * has them moved to {@value KmemdumpDirectory#PREVIOUS}, so a restart never destroys the evidence
 * of a crash; a clean run's are deleted.
 */
final class PreviousRun {
    private PreviousRun() {
    }

    /** Moves or deletes the regular files of the last run in {@code directory}; links and directories stay. */
    static void putAside(Path directory) throws IOException {
        Path arena = directory.resolve(ArenaFile.FILE_NAME);
        if (!Files.exists(arena, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // an arena that is not a regular file (a link, a FIFO) is not read: it marks no clean shutdown
        boolean clean = Files.isRegularFile(arena, LinkOption.NOFOLLOW_LINKS) && cleanlyShutDown(arena);
        Path previous = directory.resolve(KmemdumpDirectory.PREVIOUS);
        if (!clean) {
            deleteTree(previous);
            Files.createDirectory(previous, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path path : files.toList()) {
                if (path.getFileName().toString().equals(KmemdumpDirectory.LOCK_FILE) || !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (clean) {
                    Files.delete(path);
                } else {
                    Files.move(path, previous.resolve(path.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
    }

    /** @return whether an arena file's header carries the clean-shutdown mark (false if unreadable) */
    static boolean cleanlyShutDown(Path arena) throws IOException {
        try (FileChannel file = FileChannel.open(arena, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                Arena scratch = Arena.ofConfined()) {
            long size = file.size();
            return size >= ArenaFile.HEADER_LENGTH
                    && ArenaFile.read(file.map(MapMode.READ_ONLY, 0, ArenaFile.HEADER_LENGTH, scratch), size, arena.toString()).cleanShutdown();
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
