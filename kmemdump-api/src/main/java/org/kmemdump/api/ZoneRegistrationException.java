package org.kmemdump.api;

/**
 * A registration that could not be done for a reason other than bad arguments. The registry is
 * left exactly as it was before the call.
 */
public abstract sealed class ZoneRegistrationException extends Exception
        permits RegistryFullException, ZoneIdInUseException, BackendRefusedException, ArenaFullException {
    private static final long serialVersionUID = 1L;

    ZoneRegistrationException(String message) {
        super(message);
    }
}
