package org.kmemdump.core.internal;

/**
 * Which stack frames are the application's: not the JDK's ({@code java.}, {@code jdk.},
 * {@code sun.}), not Felix's (the framework, SCR, its reflection), not the OSGi specification's
 * classes SCR embeds ({@code org.osgi.}). That is where a constructor or an activate method threw,
 * not where SCR called it.
 */
final class ApplicationFrames {
    private static final String[] PLATFORM = {"java.", "jdk.", "sun.", "org.apache.felix.", "org.osgi."};

    private ApplicationFrames() {
    }

    /** @param className a frame's class, without a module prefix */
    static boolean isApplication(String className) {
        for (String prefix : PLATFORM) {
            if (className.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    /** @return the first frame of the application, else the first frame; {@code null} when there is none */
    static StackTraceElement first(StackTraceElement[] frames) {
        for (StackTraceElement frame : frames) {
            if (isApplication(frame.getClassName())) {
                return frame;
            }
        }
        return frames.length == 0 ? null : frames[0];
    }
}
