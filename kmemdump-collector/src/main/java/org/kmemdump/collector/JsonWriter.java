package org.kmemdump.collector;

/**
 * Just enough JSON for one report object: nesting, commas and string escapes (RFC 8259). Public so
 * that other reports (the Web Console bundle's inventory) write the same JSON as the collector's.
 */
public final class JsonWriter {
    private final StringBuilder text = new StringBuilder();
    private boolean comma;

    public JsonWriter beginObject() {
        separate();
        text.append('{');
        comma = false;
        return this;
    }

    public JsonWriter endObject() {
        text.append('}');
        comma = true;
        return this;
    }

    public JsonWriter beginArray() {
        separate();
        text.append('[');
        comma = false;
        return this;
    }

    public JsonWriter endArray() {
        text.append(']');
        comma = true;
        return this;
    }

    public JsonWriter name(String name) {
        separate();
        quote(name);
        text.append(':');
        comma = false;
        return this;
    }

    public JsonWriter value(String value) {
        separate();
        if (value == null) {
            text.append("null");
        } else {
            quote(value);
        }
        comma = true;
        return this;
    }

    public JsonWriter value(long value) {
        separate();
        text.append(value);
        comma = true;
        return this;
    }

    /** A u64 from a file: above 2^63 it is still a plain JSON number. */
    public JsonWriter unsignedValue(long value) {
        separate();
        text.append(Long.toUnsignedString(value));
        comma = true;
        return this;
    }

    public JsonWriter value(boolean value) {
        separate();
        text.append(value);
        comma = true;
        return this;
    }

    private void separate() {
        if (comma) {
            text.append(',');
        }
    }

    private void quote(String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f || Character.isSurrogate(c)) {
                        // lone surrogates from broken names would make the output invalid UTF-8
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
