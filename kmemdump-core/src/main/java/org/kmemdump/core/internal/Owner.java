package org.kmemdump.core.internal;

/**
 * Who registered a zone: a bundle, or the runtime itself. Only the owner may unregister a zone,
 * and an owner's zones all go when it stops.
 *
 * @param bundleId the owning bundle's id
 * @param name     the owning bundle's symbolic name, for operators
 */
record Owner(long bundleId, String name) {
    @Override
    public String toString() {
        return "bundle " + bundleId + " (" + name + ")";
    }
}
