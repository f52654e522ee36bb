package org.kmemdump.collector;

/**
 * What became of one region: its bytes collected ({@code ok}), not found or not readable
 * ({@code lost}), or its descriptor or name unusable ({@code refused}).
 *
 * @param reason why, for lost and refused; {@code null} for ok
 */
record Outcome(Status status, String reason) {
    enum Status {
        OK("ok"), LOST("lost"), REFUSED("refused");

        final String text;

        Status(String text) {
            this.text = text;
        }
    }

    static final Outcome OK = new Outcome(Status.OK, null);

    static Outcome lost(String reason) {
        return new Outcome(Status.LOST, reason);
    }

    static Outcome refused(String reason) {
        return new Outcome(Status.REFUSED, reason);
    }

    boolean ok() {
        return status == Status.OK;
    }

    /** @return {@code ok}, or {@code lost: why}, {@code refused: why} */
    String text() {
        return reason == null ? status.text : status.text + ": " + reason;
    }
}
