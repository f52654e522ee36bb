package org.kmemdump.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.kmemdump.backend.Backend;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Every tracked {@link Backend} service, and which one should be active: among those the allow-list
 * lets in (configuration {@code backend.allow}: the symbolic names of the bundles that may provide
 * it; empty lets any in), the pinned one if configuration names one that is present, else the
 * highest {@code service.ranking}, then the lowest {@code service.id} (the order of
 * {@link ServiceReference#compareTo}). Keyed by service,
 * so DS's "bind the replacement before unbinding the old one" needs no special case.
 *
 * <p>Not thread-safe: used under the zone table's lock.
 */
final class BackendSet {
    /** A tracked backend, as the {@code backends} command shows it. */
    record Tracked(ServiceReference<Backend> reference, Backend backend, String name) {
        Object ranking() {
            Object ranking = reference.getProperty("service.ranking");
            return ranking == null ? 0 : ranking;
        }

        long serviceId() {
            return (Long) reference.getProperty("service.id");
        }

        /** @return the providing bundle's symbolic name, or {@code null} once it is gone */
        String bundleName() {
            Bundle bundle = reference.getBundle();
            return bundle == null ? null : bundle.getSymbolicName();
        }
    }

    /**
     * The backends as one moment saw them, taken under the zone table's lock: the active one and the
     * pin always agree, as {@code kmemdump:backends} prints them (read one by one, a pin applied in
     * between once showed {@code * minidump} with {@code pinned by configuration: default}).
     *
     * @param backends every tracked backend, the active one first
     * @param active   the active backend, or {@code null}
     * @param allowed  the allow-list, empty for any bundle
     */
    record Choice(List<Tracked> backends, Set<Tracked> notAllowed, Backend active, String pinned, Set<String> allowed) {
    }

    static final String NOT_ALLOWED = "not allowed by backend.allow";

    private final Map<ServiceReference<Backend>, Tracked> tracked = new HashMap<>();
    /**
     * Backends unbound before their bind got the table lock. SCR calls bind and unbind on the
     * threads that register and unregister the service, so when a backend goes away right after
     * it came, the unbind can overtake the bind; without this the late bind would make a departed
     * backend active (the stress test caught it). One entry per such race, never more.
     */
    private final Set<ServiceReference<Backend>> departed = new HashSet<>();
    private String pinned = "";
    /** Symbolic names of the bundles that may provide the active backend; empty: any. */
    private Set<String> allowed = Set.of();

    void add(ServiceReference<Backend> reference, Backend backend) {
        if (!departed.remove(reference)) {
            tracked.put(reference, new Tracked(reference, backend, nameOf(backend)));
        }
    }

    void remove(ServiceReference<Backend> reference) {
        if (tracked.remove(reference) == null) {
            departed.add(reference);
        }
    }

    void pin(String name) {
        pinned = name == null ? "" : name.trim();
    }

    String pinned() {
        return pinned;
    }

    /** @param bundleNames symbolic names; blank ones are ignored, none lets any bundle's backend be active */
    void allow(String[] bundleNames) {
        Set<String> names = new HashSet<>();
        for (String name : bundleNames == null ? new String[0] : bundleNames) {
            if (name != null && !name.isBlank()) {
                names.add(name.trim());
            }
        }
        allowed = Set.copyOf(names);
    }

    Set<String> allowed() {
        return allowed;
    }

    /** @return whether the allow-list lets {@code backend} be active */
    boolean isAllowed(Tracked backend) {
        return allowed.isEmpty() || allowed.contains(backend.bundleName());
    }

    /** @param active the zone table's active backend, read under the same lock */
    Choice choice(Backend active) {
        List<Tracked> all = inPreferenceOrder();
        Set<Tracked> notAllowed = new HashSet<>();
        all.stream().filter(backend -> !isAllowed(backend)).forEach(notAllowed::add);
        return new Choice(all, Set.copyOf(notAllowed), active, pinned, allowed);
    }

    /** @return the allowed backend that should be active, or {@code null} when none is tracked */
    Backend choose() {
        return inPreferenceOrder().stream().filter(this::isAllowed).findFirst().map(Tracked::backend).orElse(null);
    }

    /** @return every tracked backend in order of preference, allowed or not: {@link #choose()} picks the first allowed one */
    List<Tracked> inPreferenceOrder() {
        List<Tracked> all = new ArrayList<>(tracked.values());
        all.sort((a, b) -> {
            boolean aPinned = a.name().equals(pinned);
            boolean bPinned = b.name().equals(pinned);
            if (aPinned != bPinned) {
                return aPinned ? -1 : 1;
            }
            return b.reference().compareTo(a.reference());
        });
        return Collections.unmodifiableList(all);
    }

    /** @return the backend's name, or its class name if {@link Backend#name()} misbehaves */
    static String nameOf(Backend backend) {
        try {
            String name = backend.name();
            return name == null || name.isBlank() ? backend.getClass().getName() : name;
        } catch (RuntimeException e) {
            return backend.getClass().getName();
        }
    }
}
