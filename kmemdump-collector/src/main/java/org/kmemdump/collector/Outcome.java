package org.kmemdump.collector;

import java.util.Locale;

/**
 * What became of one region: its bytes collected ({@code ok}), not found or not readable
 * ({@code lost}), its descriptor or name unusable ({@code refused}), or left out because it is
 * sensitive and the operator did not ask for it ({@code sensitive}: by design, so it does not
 * make a run incomplete).
 *
 * @param reason why, for lost and refused; {@code null} for ok
 */
public record Outcome(Status status, String reason) {
    public enum Status {
        OK, LOST, REFUSED, SENSITIVE;

        /** @return {@code ok}, {@code lost} or {@code refused}, for reports */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Outcome OK = new Outcome(Status.OK, null);
    public static final Outcome WITHHELD = new Outcome(Status.SENSITIVE, "not collected (collect --include-sensitive writes its bytes)");

    public static Outcome lost(String reason) {
        return new Outcome(Status.LOST, reason);
    }

    public static Outcome refused(String reason) {
        return new Outcome(Status.REFUSED, reason);
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** @return whether the region was left out because it is sensitive */
    public boolean withheld() {
        return status == Status.SENSITIVE;
    }

    /** @return {@code ok}, or {@code lost: why}, {@code refused: why} */
    public String text() {
        return reason == null ? status.text() : status.text() + ": " + reason;
    }
}
