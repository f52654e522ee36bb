package org.kmemdump.webconsole.internal;

import java.nio.file.Path;
import java.util.List;

import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
import org.kmemdump.directory.KmemdumpDirectory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The one reader of the registry, the backends, the arena and the crash store, for the Inventory
 * printer and the Web Console page alike, so both always say the same.
 */
@Component(service = StatusSource.class)
public final class StatusSource {
    private final ZoneRegistry registry;
    private final KmemdumpDirectory directory;

    /** Sorted by DS in ascending ranking order. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<Backend> backends;

    @Activate
    public StatusSource(@Reference ZoneRegistry registry, @Reference KmemdumpDirectory directory) {
        this.registry = registry;
        this.directory = directory;
    }

    /** @return the status as of now, each part read once */
    Status read() {
        List<String> names = backends.reversed().stream().map(Backend::name).toList();
        return Status.read(registry.zones(), names, directory.path());
    }

    /** @return the kmemdump directory the runtime keeps its arena and crash store in */
    Path directory() {
        return directory.path();
    }
}
