package org.kmemdump.collector;

/** Byte counts and addresses as people read them. */
public final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {
    }

    /** @return e.g. {@code 1.5 GiB}; sizes from untrusted files may be anything, negative means >= 2^63 */
    public static String human(long bytes) {
        if (bytes < 0) {
            return Long.toUnsignedString(bytes) + " B";
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format("%.1f %s", value, UNITS[unit]);
    }

    public static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    /** @return a u32 field in hex, e.g. {@code 0xdeadbeef} */
    static String hex32(int value) {
        return "0x" + Integer.toHexString(value);
    }
}
