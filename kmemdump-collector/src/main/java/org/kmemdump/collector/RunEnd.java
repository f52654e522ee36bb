package org.kmemdump.collector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.BootId;
import org.kmemdump.format.FatalRecord;

/**
 * How a run ended, as far as it can be known: from the arena header (the runtime writes how it
 * stopped; a crash or SIGKILL writes nothing, and the heartbeat says when it was last alive) and
 * the run's files ({@value FatalRecord#FILE_NAME}, which the collector writes when HotSpot runs
 * {@code -XX:OnError} or {@code -XX:OnOutOfMemoryError}). A boot id other than this machine's says
 * the machine rebooted since.
 *
 * @param timeMs   when it ended, ms since the epoch: the recorded end, the fatal error, or the last
 *                 heartbeat when nothing was recorded; 0 when not even that is known
 * @param detail   one line: what was recorded, or why nothing could be
 * @param rebooted whether the machine rebooted since the run (its boot id is not this boot's)
 */
public record RunEnd(Kind kind, long timeMs, String detail, boolean rebooted) {
    public enum Kind {
        RUNNING("running", "running"),
        STOPPED("stopped", "clean stop"),
        EXITED("exited", "JVM exit (System.exit, SIGTERM or SIGINT) before or without a clean framework stop"),
        FATAL_ERROR("fatal-error", "fatal JVM error"),
        OUT_OF_MEMORY("out-of-memory", "OutOfMemoryError"),
        UNKNOWN("unknown", "unknown: the JVM said nothing (SIGKILL, a crash without OnError, power loss)");

        /** The word JSON uses. */
        public final String word;
        public final String text;

        Kind(String word, String text) {
            this.word = word;
            this.text = text;
        }
    }

    /** @return how the run whose arena has {@code header} and whose files are in {@code runDirectory} ended */
    public static RunEnd of(ArenaFile.Header header, Path runDirectory) {
        return of(header, runDirectory, BootId.current());
    }

    static RunEnd of(ArenaFile.Header header, Path runDirectory, UUID thisBoot) {
        boolean rebooted = OwnerProcess.otherBoot(header, thisBoot);
        String reboot = rebooted ? "; the machine rebooted since (the run's boot id " + header.bootId() + ", now " + thisBoot + ")" : "";
        Fatal fatal = Fatal.read(runDirectory.resolve(FatalRecord.FILE_NAME), header);
        if (header.cleanShutdown()) {
            Kind kind = header.ending() == ArenaFile.ENDING_EXITED ? Kind.EXITED : Kind.STOPPED;
            long time = header.endTime() != 0 ? header.endTime() : header.heartbeat();
            return new RunEnd(kind, time, kind.text + " at " + at(time) + fatal.before() + reboot, rebooted);
        }
        if (fatal.record != null && fatal.record.event() == FatalRecord.Event.FATAL_ERROR) {
            return new RunEnd(Kind.FATAL_ERROR, fatal.record.time().toEpochMilli(), fatal.describe() + reboot, rebooted);
        }
        OwnerProcess owner = OwnerProcess.of(header, thisBoot);
        if (owner.memoryReadable()) {
            return new RunEnd(Kind.RUNNING, header.heartbeat(), "not yet: " + owner.detail() + fatal.before(), false);
        }
        String heartbeat = header.heartbeat() > 0 ? "the heartbeat stopped at " + at(header.heartbeat()) : "no heartbeat was ever written";
        if (fatal.record != null) {
            return new RunEnd(Kind.OUT_OF_MEMORY, fatal.record.time().toEpochMilli(), fatal.describe() + "; " + heartbeat + reboot, rebooted);
        }
        return new RunEnd(Kind.UNKNOWN, header.heartbeat(), Kind.UNKNOWN.text + "; " + heartbeat + fatal.problem() + reboot, rebooted);
    }

    private static Instant at(long timeMs) {
        return Instant.ofEpochMilli(timeMs);
    }

    /** The fatal record of a run, or why there is none that belongs to it. */
    private record Fatal(FatalRecord record, String problem) {
        /** Another run's record (a pid reused, a file left over) is not this one's: it started after the record was made. */
        static Fatal read(Path file, ArenaFile.Header header) {
            try {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    return new Fatal(null, Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "; " + file + " is not a regular file" : "");
                }
                byte[] bytes;
                try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                    bytes = in.readNBytes(FatalRecord.MAX_LENGTH + 1);
                }
                if (bytes.length > FatalRecord.MAX_LENGTH) {
                    return new Fatal(null, "; " + file + " is larger than a fatal record (" + FatalRecord.MAX_LENGTH + " bytes)");
                }
                FatalRecord record = FatalRecord.parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
                if (record.pid() != header.pid() || record.time().toEpochMilli() < header.startTime() - OwnerProcess.START_TIME_SLACK_MS) {
                    return new Fatal(null, "; " + file + " is of pid " + record.pid() + " at " + record.time() + ", not of this run");
                }
                return new Fatal(record, "");
            } catch (NoSuchFileException gone) {
                return new Fatal(null, "");
            } catch (IOException e) {
                return new Fatal(null, "; " + file + " unreadable: " + IoMessages.of(e));
            } catch (IllegalArgumentException corrupt) {
                return new Fatal(null, "; " + corrupt.getMessage());
            }
        }

        String describe() {
            return record.event().text + " at " + record.time() + (record.error() == null ? "" : ": " + record.error())
                    + (record.hsErr() == null ? "" : "; hs_err: " + record.hsErr()) + "; " + FatalRecord.CORE_FILE_NAME + ": "
                    + record.core() + problem;
        }

        /** @return what a run that went on after an OutOfMemoryError should add to its ending */
        String before() {
            return record == null ? problem : "; an " + record.event().text + " at " + record.time() + " before it" + problem;
        }
    }
}
