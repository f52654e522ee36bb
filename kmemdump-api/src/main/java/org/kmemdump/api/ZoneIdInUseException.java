package org.kmemdump.api;

/** The requested id already holds a zone; unregister it first (kernel: {@code -EALREADY}). */
public final class ZoneIdInUseException extends ZoneRegistrationException {
    private static final long serialVersionUID = 1L;
    private final int id;

    public ZoneIdInUseException(int id, String message) {
        super(message);
        this.id = id;
    }

    /** @return the id that is taken */
    public int id() {
        return id;
    }
}
