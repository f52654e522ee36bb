package org.kmemdump.collector;

import java.util.Locale;

/**
 * A zone to collect, in the collector's own terms whichever source listed it: the minidump table
 * (a region descriptor, converted where the table is read) or the arena's zone directory.
 *
 * @param id       the zone id: the table's {@code seq_num}, the directory's index
 * @param name     as listed; untrusted, so {@link TerminalText#clean} it before printing
 * @param address  where the owner mapped it
 * @param size     the bytes to collect: rounded up to 4, as a backend stores it in the table
 * @param listedBy  which sources list it
 * @param sensitive whether the zone directory flags it {@link org.kmemdump.format.ZoneDirectory#SENSITIVE}: its
 *                  bytes are collected only when the operator asks ({@code --include-sensitive})
 */
public record Zone(int id, String name, long address, long size, ListedBy listedBy, boolean sensitive) {
    /** A zone no directory entry flags sensitive. */
    public Zone(int id, String name, long address, long size, ListedBy listedBy) {
        this(id, name, address, size, listedBy, false);
    }

    /** Which sources list a zone. */
    public enum ListedBy {
        TABLE, DIRECTORY, BOTH;

        /** @return {@code table}, {@code directory} or {@code both}, for reports */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @return this zone, flagged sensitive when {@code sensitive} */
    Zone sensitiveIf(boolean sensitive) {
        return sensitive ? new Zone(id, name, address, size, listedBy, true) : this;
    }

    /** @return the id as the reports print it: ids are u32 in the table */
    public String idText() {
        return Integer.toUnsignedString(id);
    }

    Zone listedBy(ListedBy by) {
        return new Zone(id, name, address, size, by, sensitive);
    }
}
