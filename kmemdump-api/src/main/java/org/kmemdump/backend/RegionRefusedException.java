package org.kmemdump.backend;

/** Thrown by a backend that cannot record a region; its message is the reason shown to users. */
public class RegionRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RegionRefusedException(String reason) {
        super(reason);
    }
}
