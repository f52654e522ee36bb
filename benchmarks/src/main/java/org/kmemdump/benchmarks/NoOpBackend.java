package org.kmemdump.benchmarks;

import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;

/**
 * A backend that keeps nothing, like the default backend, but counts: how many regions it holds
 * and how many it was given, so a benchmark can prove the swaps it timed really happened. The
 * registry serializes calls into a backend, so plain fields do.
 */
final class NoOpBackend implements Backend {
    private final String name;
    private int held;
    private long registered;

    NoOpBackend(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void registerRegion(Region region) {
        held++;
        registered++;
    }

    @Override
    public void unregisterRegion(Region region) {
        held--;
    }

    int held() {
        return held;
    }

    long registered() {
        return registered;
    }
}
