package org.kmemdump.backend.defaults.internal;

import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.osgi.service.component.annotations.Component;

/**
 * The kernel's default backend: accepts every region and keeps nothing, so registration works
 * before any real backend arrives. Its ranking is the lowest possible, so every other backend wins.
 */
@Component(property = "service.ranking:Integer=" + Integer.MIN_VALUE)
public class DefaultBackend implements Backend {
    @Override
    public String name() {
        return "default";
    }

    @Override
    public void registerRegion(Region region) {
        // nothing to record: the default backend makes no zone collectable
    }

    @Override
    public void unregisterRegion(Region region) {
        // nothing was recorded
    }
}
