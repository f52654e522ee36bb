package org.kmemdump.directory.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.RunFiles;

/**
 * The crash store of a claimed kmemdump directory ({@link CrashEntry}): the files of the run before
 * this one become an entry of {@value CrashEntry#CRASHES} when it did not end cleanly, or
 * {@value CrashEntry#STOPPED} when it did. Only {@link RunFiles run files} that are regular files are
 * moved; nothing else in the directory is touched.
 *
 * <p>Every step is a rename, so a kill at any moment leaves the old or the new state, and the next
 * start finishes the job: an entry is filled under its {@value CrashEntry#PARTIAL} name and then
 * renamed, and one being pruned is renamed to its {@value CrashEntry#PRUNING} name before it is deleted.
 */
final class CrashStore {
    /** What the store did, for the log. */
    interface Report {
        void info(String message);

        void warn(String message);
    }

    private final Path directory;
    private final Path crashes;
    private final Report report;

    private CrashStore(Path directory, Report report) {
        this.directory = directory;
        this.crashes = directory.resolve(CrashEntry.CRASHES);
        this.report = report;
    }

    /**
     * Finishes what a killed start left half done, then puts the last run's files aside and prunes.
     *
     * @throws IOException naming what could not be done; the run's files are then where they were
     */
    static void settle(Path directory, Retention retention, Report report) throws IOException {
        CrashStore store = new CrashStore(directory, report);
        store.prepare();
        store.finishInterrupted();
        store.putAsideLastRun();
        store.prune(retention);
    }

    /** Prunes the entries of a claimed directory to {@code retention}. */
    static void prune(Path directory, Retention retention, Report report) throws IOException {
        new CrashStore(directory, report).prune(retention);
    }

    private void prepare() throws IOException {
        if (!Files.exists(crashes, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(crashes, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.isDirectory(crashes, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(crashes + " is not a directory (a symbolic link or a file is not accepted): the crash store cannot be used");
        }
    }

    private void finishInterrupted() throws IOException {
        for (Path each : list(crashes)) {
            String name = each.getFileName().toString();
            if (name.endsWith(CrashEntry.PRUNING)) {
                deleteTree(each);
                report.info("finished pruning " + each);
            } else if (name.endsWith(CrashEntry.PARTIAL)) {
                Path entry = crashes.resolve(name.substring(0, name.length() - CrashEntry.PARTIAL.length()));
                moveRunFiles(each);
                Files.move(each, entry, StandardCopyOption.ATOMIC_MOVE);
                report.info("finished moving a crashed run's files to " + entry);
            }
        }
        Path stoppedPartial = directory.resolve(CrashEntry.STOPPED + CrashEntry.PARTIAL);
        if (Files.isDirectory(stoppedPartial, LinkOption.NOFOLLOW_LINKS)) {
            moveRunFiles(stoppedPartial);
            replaceStopped(stoppedPartial);
        }
        Path stoppedPruning = directory.resolve(CrashEntry.STOPPED + CrashEntry.PRUNING);
        if (Files.isDirectory(stoppedPruning, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(stoppedPruning);
        }
    }

    private void putAsideLastRun() throws IOException {
        List<Path> files = runFiles();
        if (files.isEmpty()) {
            return;
        }
        Path arena = directory.resolve(ArenaFile.FILE_NAME);
        ArenaFile.Header header = readHeader(arena);
        if (header != null && header.cleanShutdown()) {
            Path partial = directory.resolve(CrashEntry.STOPPED + CrashEntry.PARTIAL);
            Files.createDirectory(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            moveRunFiles(partial);
            replaceStopped(partial);
            return;
        }
        String id;
        if (header != null) {
            id = CrashEntry.id(header.startTime(), header.pid());
        } else {
            id = CrashEntry.unreadableId(newestModification(files).toMillis());
        }
        Path partial = newPartial(id);
        moveRunFiles(partial);
        Path entry = crashes.resolve(partial.getFileName().toString().replace(CrashEntry.PARTIAL, ""));
        Files.move(partial, entry, StandardCopyOption.ATOMIC_MOVE);
        if (header == null) {
            report.warn("the last run's arena could not be read (" + unreadable(arena) + "): its files are kept as " + entry);
        } else {
            report.info("the last run, pid " + header.pid() + ", did not end cleanly: its files are kept as " + entry);
        }
    }

    /** The old stopped run goes to its pruning name, the new one takes its place, then the old one is deleted. */
    private void replaceStopped(Path partial) throws IOException {
        Path stopped = directory.resolve(CrashEntry.STOPPED);
        Path pruning = directory.resolve(CrashEntry.STOPPED + CrashEntry.PRUNING);
        if (Files.exists(stopped, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(stopped, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(stopped + " is not a directory (a symbolic link or a file is not accepted)");
            }
            Files.move(stopped, pruning, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(partial, stopped, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(pruning);
    }

    /** A fresh entry name: {@code id}, or {@code id-2}, {@code id-3}, ... when a run of that id is kept already. */
    private Path newPartial(String id) throws IOException {
        for (int n = 1; n < 10_000; n++) {
            String name = n == 1 ? id : id + "-" + n;
            if (Files.exists(crashes.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                return Files.createDirectory(crashes.resolve(name + CrashEntry.PARTIAL),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException taken) {
                // a leftover of that name: try the next
            }
        }
        throw new IOException(crashes + " holds 10000 entries named " + id + ": cannot keep another");
    }

    private void prune(Retention retention) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Path each : list(crashes)) {
            String name = each.getFileName().toString();
            if (CrashEntry.isId(name) && Files.isDirectory(each, LinkOption.NOFOLLOW_LINKS)) {
                entries.add(new Entry(each, size(each), newestModification(list(each))));
            }
        }
        entries.sort(Comparator.comparing(entry -> entry.path.getFileName().toString()));
        long total = entries.stream().mapToLong(Entry::bytes).sum();
        Instant oldest = retention.age().isZero() ? Instant.MIN : Instant.now().minus(retention.age());
        // the newest entry is always kept: a crash just found is never pruned before anyone saw it
        for (int i = 0; i < entries.size() - 1; i++) {
            Entry entry = entries.get(i);
            String why;
            if (entries.size() - i > retention.count()) {
                why = "more than " + retention.count() + " entries";
            } else if (retention.bytes() > 0 && total > retention.bytes()) {
                why = "the entries hold " + total + " bytes, more than " + retention.bytes();
            } else if (entry.modified.toInstant().isBefore(oldest)) {
                why = "older than " + retention.age().toDays() + " days";
            } else {
                continue;
            }
            Path pruning = entry.path.resolveSibling(entry.path.getFileName() + CrashEntry.PRUNING);
            Files.move(entry.path, pruning, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(pruning);
            total -= entry.bytes;
            report.info("pruned the crash entry " + entry.path + " (" + entry.bytes + " bytes): " + why);
        }
    }

    private record Entry(Path path, long bytes, FileTime modified) {
    }

    /** @return the run files in the directory: regular files only, never a link */
    private List<Path> runFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path each : list(directory)) {
            if (RunFiles.isRunFile(each.getFileName().toString()) && Files.isRegularFile(each, LinkOption.NOFOLLOW_LINKS)) {
                files.add(each);
            }
        }
        return files;
    }

    private void moveRunFiles(Path into) throws IOException {
        for (Path file : runFiles()) {
            Files.move(file, into.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** @return the arena's header, or null when there is no arena or it cannot be read (a link is never read) */
    private static ArenaFile.Header readHeader(Path arena) {
        try {
            return header(arena);
        } catch (IOException | IllegalArgumentException unreadable) {
            return null;
        }
    }

    private static String unreadable(Path arena) {
        try {
            header(arena);
            return "no arena";
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static ArenaFile.Header header(Path arena) throws IOException {
        if (!Files.isRegularFile(arena, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(arena + " is missing or not a regular file");
        }
        try (FileChannel file = FileChannel.open(arena, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                Arena scratch = Arena.ofConfined()) {
            long size = file.size();
            if (size < ArenaFile.HEADER_LENGTH) {
                throw new IOException(arena + ": truncated: " + size + " bytes, the arena header alone has " + ArenaFile.HEADER_LENGTH);
            }
            return ArenaFile.read(file.map(MapMode.READ_ONLY, 0, ArenaFile.HEADER_LENGTH, scratch), size, arena.toString());
        }
    }

    private static FileTime newestModification(List<Path> files) throws IOException {
        FileTime newest = FileTime.fromMillis(0);
        for (Path file : files) {
            FileTime modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
            newest = modified.compareTo(newest) > 0 ? modified : newest;
        }
        return newest;
    }

    /** The apparent size of the regular files in an entry (a sparse arena counts its whole length). */
    private static long size(Path entry) throws IOException {
        long total = 0;
        for (Path file : list(entry)) {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                total += Files.size(file);
            }
        }
        return total;
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }

    /** Deletes a tree without following links: a link is deleted, never its target. */
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
