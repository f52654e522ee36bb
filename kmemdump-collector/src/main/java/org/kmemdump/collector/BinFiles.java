package org.kmemdump.collector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;


/**
 * The firmware's way of saving a minidump: one file {@code md_<name>.BIN} per region in BINDIR.
 * Names come from an untrusted table: only names the runtime itself accepts (the README's
 * {@code [A-Za-z0-9_.+-]}) become files, and a name already used is refused, so nothing is
 * written outside BINDIR or over another region's file.
 *
 * <p>The files appear together or not at all: each is written under a temporary name and
 * {@link #publish published} only once the whole collection has succeeded; closing drops those not
 * published, and BINDIR too if this run created it.
 */
final class BinFiles implements AutoCloseable {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.+-]+");
    private static final String PREFIX = "md_";
    private static final String SUFFIX = ".BIN";

    private final Path directory;
    private final boolean created;
    private final Map<String, Long> taken = new HashMap<>();
    private final List<OutputFile> finished = new ArrayList<>();
    private boolean published;

    private BinFiles(Path directory, boolean created) {
        this.directory = directory;
        this.created = created;
    }

    /** Creates BINDIR (owner-only) if it does not exist. */
    static BinFiles create(Path directory) throws Failure {
        boolean created = false;
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                created = true;
            }
        } catch (FileAlreadyExistsException e) {
            throw Failure.output("--bins " + directory + ": exists and is not a directory", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw Failure.output("--bins " + directory + ": cannot create the directory: "
                    + (e instanceof IOException io ? IoMessages.of(io) : e.getMessage()), e);
        }
        return new BinFiles(directory, created);
    }

    /** Renames every finished file over its target: the end of a successful collection. */
    void publish() throws Failure {
        for (OutputFile file : finished) {
            file.publish();
        }
        published = true;
    }

    /** Deletes the files not published, and BINDIR if this run created it for nothing. */
    @Override
    public void close() {
        finished.forEach(OutputFile::close);
        if (created && !published) {
            try {
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                // not empty (someone else wrote there) or gone: leave it
            }
        }
    }

    /** One region's file, being written; a refused one writes nothing and says why. */
    static final class Bin {
        static final Bin NONE = new Bin(null, null, null);

        private final OutputFile file;
        private final String refusal;
        private final List<OutputFile> finished;

        private Bin(OutputFile file, String refusal, List<OutputFile> finished) {
            this.file = file;
            this.refusal = refusal;
            this.finished = finished;
        }

        String refusal() {
            return refusal;
        }

        void write(ByteBuffer chunk) throws Failure {
            if (file != null) {
                file.write(chunk);
            }
        }

        void skip(long length) throws Failure {
            if (file != null) {
                file.skip(length);
            }
        }

        /** The file is complete: it waits for {@link BinFiles#publish}. */
        void commit() throws Failure {
            if (file != null) {
                file.finish();
                finished.add(file);
            }
        }

        /** Drops the file unless committed. */
        void discard() {
            if (file != null && !finished.contains(file)) {
                file.close();
            }
        }
    }

    Bin open(Zone zone) throws Failure {
        if (!SAFE_NAME.matcher(zone.name()).matches()) {
            return new Bin(null, "name '" + TerminalText.clean(zone.name())
                    + "' is not a safe file name ([A-Za-z0-9_.+-]): no " + PREFIX + "<name>" + SUFFIX + " written", null);
        }
        String fileName = PREFIX + zone.name() + SUFFIX;
        Long other = taken.putIfAbsent(fileName, Integer.toUnsignedLong(zone.id()));
        if (other != null) {
            return new Bin(null, fileName + " is already written for region " + other + ": not overwritten", null);
        }
        Path file = directory.resolve(fileName);
        if (!directory.equals(file.getParent())) {
            return new Bin(null, "name '" + zone.name() + "' leads outside the bins directory", null);
        }
        return new Bin(OutputFile.create(file), null, finished);
    }
}
