package org.kmemdump.api;

/** "Any free id" found no free slot from {@link ZoneIds#NO_ID} up to the last one (kernel: {@code -ENOSPC}). */
public final class RegistryFullException extends ZoneRegistrationException {
    private static final long serialVersionUID = 1L;

    public RegistryFullException(String message) {
        super(message);
    }
}
