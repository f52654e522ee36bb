package org.kmemdump.directory.internal;

import java.time.Duration;

/**
 * How many crash entries the store keeps: at most {@code count}, together at most {@code bytes}
 * (0: no bound) and none older than {@code age} (zero: no bound). The newest entry is always kept.
 */
record Retention(int count, long bytes, Duration age) {
    static final int DEFAULT_COUNT = 10;
    static final int MAX_COUNT = 10_000;
    static final Retention DEFAULT = new Retention(DEFAULT_COUNT, 0, Duration.ZERO);

    /**
     * @throws IllegalArgumentException naming the first value out of range and its range
     */
    static Retention of(int count, long bytes, long ageDays) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("crashes.count " + count + " is out of range (1 to " + MAX_COUNT + ")");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("crashes.bytes " + bytes + " is out of range (0 for no bound, or more)");
        }
        if (ageDays < 0 || ageDays > 36_500) {
            throw new IllegalArgumentException("crashes.age.days " + ageDays + " is out of range (0 for no bound, to 36500)");
        }
        return new Retention(count, bytes, Duration.ofDays(ageDays));
    }

    @Override
    public String toString() {
        return "count " + count + ", bytes " + (bytes == 0 ? "unbounded" : bytes) + ", age " + (age.isZero() ? "unbounded" : age.toDays() + " days");
    }
}
