package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.MAX_ZONES;

import java.lang.foreign.MemorySegment;

import org.kmemdump.api.ZoneOption;
import org.kmemdump.api.ZoneRegistry;

/** The argument checks of registration, each failing with a message that names what was wrong. */
final class ZoneArguments {
    /** Never started: a confined segment is accessible by its owner thread only, never by this one. */
    private static final Thread ANY_OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private ZoneArguments() {
    }

    static void checkId(int id) {
        if (id < 1 || id >= MAX_ZONES) {
            throw new IllegalArgumentException("zone id " + id + " is out of range 1.." + (MAX_ZONES - 1)
                    + (id == 0 ? " (0 marks a free slot)" : ""));
        }
    }

    static void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("zone name is null");
        }
        if (!isZoneName(name)) {
            throw new IllegalArgumentException("zone name '" + name + "' must be 1 to " + ZoneRegistry.MAX_NAME_LENGTH
                    + " characters of [A-Za-z0-9_.+-] (it becomes a 16-byte minidump name and a file name)");
        }
    }

    /** {@code [A-Za-z0-9_.+-]{1,15}}, by hand: a regular expression's matcher would cost more than the rest of a registration */
    private static boolean isZoneName(String name) {
        if (name.isEmpty() || name.length() > ZoneRegistry.MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '+' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    static void checkMemory(MemorySegment memory) {
        if (memory == null) {
            throw new IllegalArgumentException("zone memory is null");
        }
        if (!memory.isNative()) {
            throw new IllegalArgumentException("zone memory is a heap segment: only native memory has an address a dump can find");
        }
        if (!memory.scope().isAlive()) {
            throw new IllegalArgumentException("zone memory is closed: its arena was closed");
        }
        if (memory.byteSize() == 0) {
            throw new IllegalArgumentException("zone memory is empty");
        }
        if (!memory.isAccessibleBy(ANY_OTHER_THREAD)) {
            throw new IllegalArgumentException("zone memory is confined to one thread: a dump could not read it;"
                    + " allocate it from a shared, global or automatic arena");
        }
    }

    /** @return whether {@code options} hold {@link ZoneOption#SENSITIVE} */
    static boolean sensitive(ZoneOption[] options) {
        if (options == null) {
            throw new IllegalArgumentException("zone options are null");
        }
        boolean sensitive = false;
        for (ZoneOption option : options) {
            if (option == null) {
                throw new IllegalArgumentException("a zone option is null");
            }
            sensitive |= option == ZoneOption.SENSITIVE;
        }
        return sensitive;
    }
}
