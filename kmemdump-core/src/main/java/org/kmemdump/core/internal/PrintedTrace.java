package org.kmemdump.core.internal;

import java.util.Optional;

/**
 * A stack trace as {@code Throwable.printStackTrace} prints it, condensed to what the log ring
 * keeps of an exception: SCR's failure text for a failed activation is the whole printed trace of
 * the reflection wrapper, whose real cause is a "Caused by:" line far down, beyond any bound on the
 * text. Condensed, it is one line per throwable: {@code class: message at frame}, each cause's
 * starting {@code caused by: }, the frame the first of the application ({@link ApplicationFrames}).
 */
final class PrintedTrace {
    private static final String CAUSED_BY = "Caused by: ";
    private static final String FRAME = "at ";

    private PrintedTrace() {
    }

    /**
     * @return the condensed trace; text that is not a printed trace (no frame lines) as it is.
     *         Suppressed exceptions and "... N more" lines are left out.
     */
    static String condense(String printed) {
        String[] lines = printed.split("\n");
        StringBuilder condensed = new StringBuilder();
        String throwable = lines[0].strip();
        String firstFrame = null;
        String applicationFrame = null;
        boolean frames = false;
        boolean suppressed = false;
        for (int i = 1; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i] : null;
            String stripped = line == null ? "" : line.strip();
            if (line == null || line.startsWith(CAUSED_BY)) {
                condensed.append(condensed.isEmpty() ? "" : "\ncaused by: ").append(throwable);
                Optional.ofNullable(applicationFrame != null ? applicationFrame : firstFrame).ifPresent(f -> condensed.append(" at ").append(f));
                if (line != null) {
                    throwable = line.substring(CAUSED_BY.length()).strip();
                    firstFrame = null;
                    applicationFrame = null;
                    suppressed = false;
                }
            } else if (stripped.startsWith("Suppressed: ")) {
                suppressed = true;
            } else if (!suppressed && line.startsWith("\t" + FRAME)) {
                frames = true;
                String frame = stripped.substring(FRAME.length());
                firstFrame = firstFrame == null ? frame : firstFrame;
                if (applicationFrame == null && ApplicationFrames.isApplication(className(frame))) {
                    applicationFrame = frame;
                }
            }
        }
        return frames ? condensed.toString() : printed;
    }

    /** @return the class of a printed frame such as {@code java.base/java.lang.Thread.run(Thread.java:1583)} */
    private static String className(String frame) {
        int call = frame.indexOf('(');
        String method = call < 0 ? frame : frame.substring(0, call);
        int module = method.indexOf('/');
        return module < 0 ? method : method.substring(module + 1);
    }
}
