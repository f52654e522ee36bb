package org.kmemdump.format;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@value #FILE_NAME}: what the collector, run by HotSpot's {@code -XX:OnError} or
 * {@code -XX:OnOutOfMemoryError} while the JVM is still in memory, records in the run's kmemdump
 * directory beside the core it collects then ({@value #CORE_FILE_NAME}). Text, one
 * {@code key: value} line each, so a human reads it as well:
 *
 * <pre>
 * event: fatal-error            or out-of-memory
 * pid: 4242                     the JVM's
 * time: 2026-12-02T01:23:45.123Z
 * hs_err: /dev/shm/kmemdump-me/hs_err_pid4242.log   or none
 * error: SIGSEGV (0xb) at pc=0x00007f..., pid=4242, tid=4250   the hs_err file's error line, or none
 * core: fatal.elf: ...          how the collection went: collecting, then its outcome
 * </pre>
 *
 * Unknown keys are ignored, so later versions may add lines.
 *
 * @param hsErr where HotSpot wrote its error report, or {@code null}
 * @param error the error line of that report, or {@code null}
 * @param core  how collecting {@value #CORE_FILE_NAME} went
 */
public record FatalRecord(Event event, long pid, Instant time, String hsErr, String error, String core) {
    public static final String FILE_NAME = "fatal.txt";
    public static final String CORE_FILE_NAME = "fatal.elf";
    /** A record is a few hundred bytes; a reader reads no more than this. */
    public static final int MAX_LENGTH = 16 * 1024;
    private static final String NONE = "none";

    /** What HotSpot reported, by the word the file uses. */
    public enum Event {
        FATAL_ERROR("fatal-error", "fatal JVM error"), OUT_OF_MEMORY("out-of-memory", "OutOfMemoryError");

        public final String word;
        public final String text;

        Event(String word, String text) {
            this.word = word;
            this.text = text;
        }

        /** @return the event the word names, or {@code null} */
        public static Event of(String word) {
            for (Event event : values()) {
                if (event.word.equals(word)) {
                    return event;
                }
            }
            return null;
        }
    }

    public FatalRecord {
        if (event == null || time == null || core == null) {
            throw new IllegalArgumentException("a fatal record needs an event, a time and the core's state");
        }
    }

    /** @return the record with how collecting the core went */
    public FatalRecord withCore(String outcome) {
        return new FatalRecord(event, pid, time, hsErr, error, outcome);
    }

    /** @return the file's text; values on one line each, control characters turned into spaces */
    public String text() {
        return "event: " + event.word + "\npid: " + pid + "\ntime: " + time + "\nhs_err: " + oneLine(hsErr) + "\nerror: "
                + oneLine(error) + "\ncore: " + oneLine(core) + "\n";
    }

    private static String oneLine(String value) {
        return value == null ? NONE : value.replaceAll("\\p{Cntrl}", " ").strip();
    }

    /**
     * Parses a record's text.
     *
     * @throws IllegalArgumentException naming {@code where} and what is missing or wrong
     */
    public static FatalRecord parse(String text, String where) {
        Map<String, String> values = new HashMap<>();
        text.lines().forEach(line -> {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                values.putIfAbsent(line.substring(0, colon), line.substring(colon + 2).strip());
            }
        });
        Event event = Event.of(values.get("event"));
        if (event == null) {
            throw new IllegalArgumentException(where + ": event is '" + values.get("event") + "', not fatal-error or out-of-memory");
        }
        long pid;
        Instant time;
        try {
            pid = Long.parseLong(String.valueOf(values.get("pid")));
            time = Instant.parse(String.valueOf(values.get("time")));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(where + ": pid '" + values.get("pid") + "' or time '" + values.get("time")
                    + "' is not what the collector writes");
        }
        return new FatalRecord(event, pid, time, orNull(values.get("hs_err")), orNull(values.get("error")),
                values.getOrDefault("core", "not said"));
    }

    private static String orNull(String value) {
        return value == null || value.equals(NONE) ? null : value;
    }
}
