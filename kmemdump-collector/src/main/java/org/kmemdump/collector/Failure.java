package org.kmemdump.collector;

/** Ends a command: one line for stderr and the exit code that classifies it. */
final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private Failure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static Failure usage(String message) {
        return new Failure(ExitCode.USAGE, message, null);
    }

    static Failure input(String message) {
        return new Failure(ExitCode.BAD_INPUT, message, null);
    }

    static Failure input(String message, Throwable cause) {
        return new Failure(ExitCode.BAD_INPUT, message, cause);
    }

    static Failure output(String message) {
        return new Failure(ExitCode.OUTPUT_FAILED, message, null);
    }

    static Failure output(String message, Throwable cause) {
        return new Failure(ExitCode.OUTPUT_FAILED, message, cause);
    }

    int exitCode() {
        return exitCode;
    }
}
