package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.COMPONENTS;
import static org.kmemdump.format.KnownZones.COMPONENTS_NAME;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.format.ComponentsText;
import org.kmemdump.format.SnapshotBuffers;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceListener;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The components zone (id 9): Declarative Services' view of every component, from the
 * {@link ServiceComponentRuntime} service's DTOs, as {@link SnapshotBuffers} of
 * {@link ComponentsText}. Without that service the zone says so and the core runs on.
 *
 * <p>Kept current on bundle and service events, debounced: an event only schedules a rewrite
 * {@value #DEBOUNCE_MS} ms later on this zone's own thread (the event thread does a compare and
 * set), so a burst of events costs one rewrite per {@value #DEBOUNCE_MS} ms. SCR activates
 * components asynchronously after the event that made them satisfiable, so the last event-driven
 * rewrite is followed by one more {@value #SETTLE_MS} ms later: one such rewrite at a time, pushed
 * back by every event-driven one, so a long burst does not pile them up.
 */
final class ComponentsZone {
    /** Room for about 500 components with a reference or two each. */
    static final long DEFAULT_SIZE = 128 * 1024;
    static final long DEBOUNCE_MS = 200;
    static final long SETTLE_MS = 1000;
    static final long ON_DEMAND_WAIT_MS = 5000;
    /** Bound on a failure's condensed text. */
    static final int FAILURE_LIMIT = 2048;

    private final BundleContext context;
    private final MemorySegment zone;
    private final SnapshotBuffers snapshot;
    private final ServiceTracker<ServiceComponentRuntime, ServiceComponentRuntime> scr;
    private final ScheduledExecutorService writer;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final BundleListener bundles = event -> changed();
    private final ServiceListener services = event -> changed();
    private volatile boolean settle;
    /** The pending settle rewrite; only the writer thread touches it. */
    private ScheduledFuture<?> settleRewrite;

    private ComponentsZone(BundleContext context, MemorySegment zone) {
        this.context = context;
        this.zone = zone;
        this.snapshot = SnapshotBuffers.create(zone, SnapshotBuffers.Content.COMPONENTS);
        this.scr = new ServiceTracker<>(context, ServiceComponentRuntime.class, null);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("kmemdump components zone").factory());
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.writer = executor;
    }

    /**
     * Allocates and registers the zone and starts keeping it current.
     *
     * @return the zone's writer, or null when {@code size} is 0 or does not fit (a warning then)
     */
    static ComponentsZone start(BundleContext context, SegmentAllocator memory, long size, ZoneTable table, Owner owner,
            Consumer<String> warn) throws ZoneRegistrationException {
        if (size == 0) {
            return null;
        }
        if (size < SnapshotBuffers.MIN_ZONE_SIZE) {
            warn.accept("components.zone.size " + size + " is too small; using the minimum, " + SnapshotBuffers.MIN_ZONE_SIZE + " bytes");
            size = SnapshotBuffers.MIN_ZONE_SIZE;
        }
        MemorySegment zone;
        try {
            zone = memory.allocate(size, 8);
        } catch (RuntimeException e) {
            warn.accept("no components zone: " + e.getMessage() + "; lower components.zone.size or raise arena.size");
            return null;
        }
        ComponentsZone components = new ComponentsZone(context, zone);
        table.register(COMPONENTS, COMPONENTS_NAME, zone, owner);
        components.open();
        return components;
    }

    private void open() {
        scr.open();
        context.addBundleListener(bundles);
        context.addServiceListener(services);
        writer.execute(this::rewrite);
    }

    private void changed() {
        settle = true;
        if (scheduled.compareAndSet(false, true)) {
            try {
                writer.schedule(this::debouncedRewrite, DEBOUNCE_MS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException closed) { // RejectedExecutionException after close
                scheduled.set(false);
            }
        }
    }

    /** Only this task clears {@code scheduled}: a settle rewrite doing so would let a second debounced one be scheduled. */
    private void debouncedRewrite() {
        scheduled.set(false);
        rewrite();
    }

    private void rewrite() {
        if (settle) {
            settle = false;
            if (settleRewrite != null) {
                settleRewrite.cancel(false);
            }
            settleRewrite = writer.schedule(this::rewrite, SETTLE_MS, TimeUnit.MILLISECONDS);
        }
        String text = ComponentsText.write(components(scr.getService()), snapshot.capacity());
        snapshot.write(System.currentTimeMillis(), text);
    }

    /** @return SCR's view now; SCR's calls are bounded by the number of components */
    static ComponentsText.Components components(ServiceComponentRuntime runtime) {
        if (runtime == null) {
            return new ComponentsText.Components(List.of(), "no ServiceComponentRuntime service: Declarative Services is not running", 0);
        }
        List<ComponentsText.Component> components = new ArrayList<>();
        for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs()) {
            long bundleId = description.bundle.id;
            String bundle = description.bundle.symbolicName;
            List<ComponentConfigurationDTO> configurations = List.copyOf(runtime.getComponentConfigurationDTOs(description));
            if (configurations.isEmpty()) {
                components.add(new ComponentsText.Component(bundleId, bundle, description.name,
                        runtime.isComponentEnabled(description) ? "NO_CONFIGURATION" : "DISABLED", "", List.of()));
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                components.add(new ComponentsText.Component(bundleId, bundle, description.name, state(configuration.state),
                        failure(configuration.failure), waits(description, configuration)));
            }
        }
        return new ComponentsText.Components(components, "", 0);
    }

    /** @return SCR's failure text (a printed stack trace) condensed to one line per cause, bounded; {@code ""} for none */
    static String failure(String failure) {
        return failure == null || failure.isEmpty() ? "" : LogRingWriter.cut(PrintedTrace.condense(failure), FAILURE_LIMIT);
    }

    private static List<ComponentsText.Reference> waits(ComponentDescriptionDTO description, ComponentConfigurationDTO configuration) {
        List<ComponentsText.Reference> waits = new ArrayList<>();
        for (UnsatisfiedReferenceDTO unsatisfied : configuration.unsatisfiedReferences) {
            String interfaceName = "";
            for (ReferenceDTO reference : description.references) {
                if (reference.name.equals(unsatisfied.name)) {
                    interfaceName = reference.interfaceName;
                }
            }
            waits.add(new ComponentsText.Reference(unsatisfied.name, interfaceName, unsatisfied.target == null ? "" : unsatisfied.target));
        }
        return waits;
    }

    static String state(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "STATE_" + state;
        };
    }

    /**
     * Rewrites the zone now, on its own thread, and waits for it: a command shows the state as it
     * is, not as it was up to {@value #DEBOUNCE_MS} ms ago (right after start-up, the components
     * still activating).
     *
     * @return the newest snapshot in the zone after that, or before it if the rewrite did not come
     *         in {@value #ON_DEMAND_WAIT_MS} ms or the zone is closing
     */
    SnapshotBuffers.Snapshot rewriteNow() throws InterruptedException {
        try {
            writer.submit(this::rewrite).get(ON_DEMAND_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException notNow) { // the newest one then
        }
        return newest();
    }

    /** @return the newest snapshot in the zone, read as an outside reader would */
    SnapshotBuffers.Snapshot newest() {
        return SnapshotBuffers.open(zone, SnapshotBuffers.Content.COMPONENTS, "the components zone").newest();
    }

    /** Stops the updates: once this returns, the zone's memory is never touched again and may be freed. */
    void close() {
        context.removeServiceListener(services);
        context.removeBundleListener(bundles);
        writer.shutdownNow();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the components zone's writer did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scr.close();
    }
}
