package org.kmemdump.collector;

/** Ends a collection or an inspection: one line that says why, and what kind of failure it is. */
public final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    /** What failed: callers (the command line's exit codes, the runtime's log) classify by it. */
    public enum Kind {
        /** The caller asked for something impossible, e.g. an output that is one of the input files. */
        ARGUMENT,
        /** The kmemdump directory cannot be used: the arena missing or corrupt, nothing to collect. */
        INPUT,
        /** An output file could not be written. */
        OUTPUT
    }

    private final Kind kind;

    private Failure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static Failure argument(String message) {
        return new Failure(Kind.ARGUMENT, message, null);
    }

    public static Failure input(String message) {
        return new Failure(Kind.INPUT, message, null);
    }

    static Failure input(String message, Throwable cause) {
        return new Failure(Kind.INPUT, message, cause);
    }

    static Failure output(String message) {
        return new Failure(Kind.OUTPUT, message, null);
    }

    static Failure output(String message, Throwable cause) {
        return new Failure(Kind.OUTPUT, message, cause);
    }

    public Kind kind() {
        return kind;
    }
}
