package org.kmemdump.api;

/** The active backend refused the zone; nothing was stored (kernel: the backend's error code). */
public final class BackendRefusedException extends ZoneRegistrationException {
    private static final long serialVersionUID = 1L;
    private final String backend;
    private final String reason;

    public BackendRefusedException(String backend, String reason) {
        super("backend '" + backend + "' refused the zone: " + reason);
        this.backend = backend;
        this.reason = reason;
    }

    /** @return the name of the backend that refused */
    public String backend() {
        return backend;
    }

    /** @return the backend's own reason */
    public String reason() {
        return reason;
    }
}
