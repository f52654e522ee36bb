package org.kmemdump.benchmarks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
import org.kmemdump.format.Vmcoreinfo;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The kmemdump runtime as the JMH benchmarks measure it: the real core, format and backend bundles
 * in an {@link InProcessFelix} whose system bundle exports the API, so the benchmark uses the
 * {@link ZoneRegistry} service and registers {@link Backend} services as any bundle does.
 */
final class EmbeddedRuntime implements AutoCloseable {
    private final InProcessFelix felix;
    private final ZoneRegistry registry;

    private EmbeddedRuntime(InProcessFelix felix, ZoneRegistry registry) {
        this.felix = felix;
        this.registry = registry;
    }

    /** Starts Felix with the core and these backend bundles (artifact ids), and waits for the registry. */
    static EmbeddedRuntime start(List<String> backendBundles) throws Exception {
        InProcessFelix felix = InProcessFelix.withApiFromClassPath(InProcessFelix.bundleDirectory());
        try {
            List<String> bundles = new ArrayList<>(InProcessFelix.SERVICES);
            bundles.addAll(List.of("kmemdump-format", "kmemdump-directory", "kmemdump-core"));
            bundles.addAll(backendBundles);
            felix.startAll(bundles);
            ServiceTracker<ZoneRegistry, ZoneRegistry> tracker = new ServiceTracker<>(felix.context(), ZoneRegistry.class, null);
            tracker.open();
            ZoneRegistry registry = tracker.waitForService(TimeUnit.SECONDS.toMillis(60));
            if (registry == null) {
                throw new IllegalStateException("no ZoneRegistry service within 60 s: did the core start?");
            }
            // the threads zone comes from a component of its own, just after the registry: once it is there,
            // every id the runtime takes is taken, and a benchmark's ids cannot collide with it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (registry.zones().stream().noneMatch(zone -> zone.id() == ZoneIds.THREADS)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no threads zone within 60 s: did the core start its threads zone?");
                }
                Thread.sleep(10);
            }
            return new EmbeddedRuntime(felix, registry);
        } catch (Exception | Error e) {
            felix.close();
            throw e;
        }
    }

    /** @return the registry as the system bundle sees it: the zones registered through it are the system bundle's */
    ZoneRegistry registry() {
        return registry;
    }

    /** Registers a backend service from the system bundle, with this ranking. */
    ServiceRegistration<Backend> register(Backend backend, int ranking) {
        return felix.context().registerService(Backend.class, backend, ranking(ranking));
    }

    /** @return the {@link Backend} service of this name, as any bundle could get it */
    Backend backend(String name) throws Exception {
        for (ServiceReference<Backend> reference : felix.context().getServiceReferences(Backend.class, null)) {
            Backend backend = felix.context().getService(reference);
            if (backend != null && backend.name().equals(name)) {
                return backend;
            }
        }
        throw new IllegalStateException("no backend service named '" + name + "'");
    }

    /** @return service properties with this {@code service.ranking}, for a registration or its setProperties */
    static Dictionary<String, Object> ranking(int ranking) {
        return new Hashtable<>(Map.of(Constants.SERVICE_RANKING, ranking));
    }

    /** @return the active backend's name, as the VMCOREINFO zone says it (a collector reads the same line) */
    String activeBackend() {
        Zone vmcoreinfo = registry.zones().stream().filter(zone -> zone.id() == ZoneIds.VMCOREINFO).findFirst()
                .orElseThrow(() -> new IllegalStateException("the runtime has no VMCOREINFO zone"));
        byte[] text = MemorySegment.ofAddress(vmcoreinfo.address()).reinterpret(vmcoreinfo.size()).toArray(ValueLayout.JAVA_BYTE);
        return Vmcoreinfo.parse(text).value(Vmcoreinfo.BACKEND)
                .orElseThrow(() -> new IllegalStateException("no " + Vmcoreinfo.BACKEND + " line in VMCOREINFO"));
    }

    /** Fails unless {@code name} is the active backend. */
    void expectActive(String name) {
        String active = activeBackend();
        if (!active.equals(name)) {
            throw new IllegalStateException("the active backend is '" + active + "', expected '" + name + "'");
        }
    }

    @Override
    public void close() throws Exception {
        felix.close();
    }
}
