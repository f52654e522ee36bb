package org.kmemdump.core.internal;

import java.util.regex.Pattern;

/**
 * Which settings must not be written into a zone as they are: a key that looks like it names a
 * secret keeps its value out, as the Felix Web Console does for its configuration printers. The
 * key stays, so a reader still sees that the setting was there.
 */
final class SecretValues {
    static final String REDACTED = "********";
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|token|key|credential).*");

    private SecretValues() {
    }

    /** @return {@code value}, or {@link #REDACTED} when {@code key} looks like it names a secret */
    static String shown(String key, String value) {
        return SECRET_KEY.matcher(key).matches() ? REDACTED : value;
    }
}
