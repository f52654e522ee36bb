package org.kmemdump.collector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;

import org.kmemdump.format.FatalRecord;

/**
 * What the collector does when HotSpot runs it from {@code -XX:OnError} or
 * {@code -XX:OnOutOfMemoryError}, while the JVM is still in memory: records the event in
 * {@value FatalRecord#FILE_NAME} at once (so it is there even if the JVM is gone before the core
 * is), then collects the core {@value FatalRecord#CORE_FILE_NAME} from the live process, zones
 * outside the arena included, and records how that went.
 */
public final class FatalCapture {
    /** The error line is near the top of an hs_err report; a bound keeps a strange file from being read far. */
    private static final int HS_ERR_HEAD = 8 * 1024;

    /** @param core how the core collection ended: its report, or why it failed */
    public record Result(FatalRecord record, Path recordFile, CollectReport core, String coreProblem) {
    }

    private FatalCapture() {
    }

    /**
     * @param directory the run's kmemdump directory, where HotSpot writes {@code hs_err_pid<PID>.log}
     * @throws Failure when not even the record can be written
     */
    public static Result capture(Path directory, FatalRecord.Event event, long pid) throws Failure {
        Path hsErr = directory.resolve("hs_err_pid" + pid + ".log");
        boolean hasReport = Files.isRegularFile(hsErr, LinkOption.NOFOLLOW_LINKS);
        FatalRecord record = new FatalRecord(event, pid, Instant.now(), hasReport ? hsErr.toString() : null,
                hasReport ? errorLine(hsErr) : null, "collecting");
        Path recordFile = directory.resolve(FatalRecord.FILE_NAME);
        write(recordFile, record);
        Path core = directory.resolve(FatalRecord.CORE_FILE_NAME);
        CollectReport report = null;
        String problem;
        String outcome;
        try {
            report = CoreCollection.collect(directory, core, null, Progress.NONE);
            problem = report.problems();
            outcome = "collected from the live process, " + report.zones().size() + " zones"
                    + (problem == null ? ", all read" : "; " + problem);
        } catch (Failure failure) {
            problem = failure.getMessage();
            outcome = "not collected: " + problem;
        }
        record = record.withCore(outcome);
        write(recordFile, record);
        return new Result(record, recordFile, report, problem);
    }

    private static void write(Path file, FatalRecord record) throws Failure {
        try (OutputFile out = OutputFile.create(file)) {
            out.write(ByteBuffer.wrap(record.text().getBytes(StandardCharsets.UTF_8)));
            out.commit();
        }
    }

    /**
     * @return the report's error line, e.g. {@code SIGSEGV (0xb) at pc=0x..., pid=4242, tid=4250}: the
     *         first indented one of its {@code #} banner; {@code null} when there is none
     */
    static String errorLine(Path hsErr) {
        try (InputStream in = Files.newInputStream(hsErr, LinkOption.NOFOLLOW_LINKS)) {
            return new String(in.readNBytes(HS_ERR_HEAD), StandardCharsets.UTF_8).lines()
                    .filter(line -> line.startsWith("#  ") && !line.isBlank())
                    .map(line -> line.substring(1).strip())
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
