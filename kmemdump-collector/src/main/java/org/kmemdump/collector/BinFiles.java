package org.kmemdump.collector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;


/**
 * The firmware's way of saving a minidump: one file {@code md_<name>.BIN} per region in BINDIR.
 * Names come from an untrusted table: only names the runtime itself accepts (the README's
 * {@code [A-Za-z0-9_.+-]}) become files, and a name already used is refused, so nothing is
 * written outside BINDIR or over another region's file.
 */
final class BinFiles {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.+-]+");
    private static final String PREFIX = "md_";
    private static final String SUFFIX = ".BIN";

    private final Path directory;
    private final Map<String, Long> taken = new HashMap<>();

    private BinFiles(Path directory) {
        this.directory = directory;
    }

    /** Creates BINDIR (owner-only) if it does not exist. */
    static BinFiles create(Path directory) throws Failure {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (FileAlreadyExistsException e) {
            throw Failure.output("--bins " + directory + ": exists and is not a directory", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw Failure.output("--bins " + directory + ": cannot create the directory: "
                    + (e instanceof IOException io ? IoMessages.of(io) : e.getMessage()), e);
        }
        return new BinFiles(directory);
    }

    /** One region's file, being written; a refused one writes nothing and says why. */
    static final class Bin {
        static final Bin NONE = new Bin(null, null);

        private final OutputFile file;
        private final String refusal;

        private Bin(OutputFile file, String refusal) {
            this.file = file;
            this.refusal = refusal;
        }

        String refusal() {
            return refusal;
        }

        void write(ByteBuffer chunk) throws Failure {
            if (file != null) {
                file.write(chunk);
            }
        }

        void commit() throws Failure {
            if (file != null) {
                file.commit();
            }
        }

        /** Drops the file unless committed. */
        void discard() {
            if (file != null) {
                file.close();
            }
        }
    }

    Bin open(Zone zone) throws Failure {
        if (!SAFE_NAME.matcher(zone.name()).matches()) {
            return new Bin(null, "name '" + TerminalText.clean(zone.name())
                    + "' is not a safe file name ([A-Za-z0-9_.+-]): no " + PREFIX + "<name>" + SUFFIX + " written");
        }
        String fileName = PREFIX + zone.name() + SUFFIX;
        Long other = taken.putIfAbsent(fileName, Integer.toUnsignedLong(zone.id()));
        if (other != null) {
            return new Bin(null, fileName + " is already written for region " + other + ": not overwritten");
        }
        Path file = directory.resolve(fileName);
        if (!directory.equals(file.getParent())) {
            return new Bin(null, "name '" + zone.name() + "' leads outside the bins directory");
        }
        return new Bin(OutputFile.create(file), null);
    }
}
