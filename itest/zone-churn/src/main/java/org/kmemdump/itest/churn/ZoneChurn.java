package org.kmemdump.itest.churn;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.SplittableRandom;

import org.kmemdump.api.ArenaFullException;
import org.kmemdump.api.ArenaZone;
import org.kmemdump.api.RegistryFullException;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Until stopped (or killed), allocates arena zones named {@code c<n>} whose byte {@code i} is
 * {@code (byte) (31 * n + i)}, frees random ones, and now and then registers and withdraws a
 * higher-ranked no-op backend, so that the active backend swaps away and back. Every step is
 * announced on stdout, so a test that kills the JVM knows which registrations had returned:
 * <pre>
 * CHURN + &lt;id&gt; c&lt;n&gt; &lt;size&gt;   after register returned
 * CHURN - &lt;id&gt;                before unregistering
 * CHURN swap away | swap back
 * </pre>
 */
@Component(immediate = true, service = {})
public class ZoneChurn {
    private final ZoneRegistry registry;
    private final BundleContext context;
    private final Thread worker;
    private volatile boolean running = true;

    @Activate
    public ZoneChurn(@Reference ZoneRegistry registry, BundleContext context) {
        this.registry = registry;
        this.context = context;
        worker = Thread.ofPlatform().name("zone-churn").start(this::churn);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        running = false;
        worker.join();
    }

    /** The byte at {@code index} of zone {@code c<n>}. */
    public static byte pattern(long n, long index) {
        return (byte) (31 * n + index);
    }

    private void churn() {
        SplittableRandom random = new SplittableRandom();
        List<ArenaZone> mine = new ArrayList<>();
        ServiceRegistration<Backend> rival = null;
        long n = 0;
        try {
            while (running) {
                int dice = random.nextInt(100);
                if (dice < 4) {
                    rival = swap(rival);
                } else if (dice < 55 || mine.isEmpty()) {
                    n++;
                    int size = 1 + random.nextInt(8192);
                    try {
                        ArenaZone zone = registry.allocate("c" + n, size);
                        for (int i = 0; i < size; i++) {
                            zone.memory().set(ValueLayout.JAVA_BYTE, i, pattern(n, i));
                        }
                        // the zone is registered before it is filled: announce it once its bytes are final
                        mine.add(zone);
                        System.out.println("CHURN + " + zone.zone().id() + " c" + n + " " + size);
                    } catch (RegistryFullException | ArenaFullException full) {
                        release(mine.remove(0));
                    }
                } else {
                    release(mine.remove(random.nextInt(mine.size())));
                }
            }
        } catch (ZoneRegistrationException | RuntimeException e) {
            System.out.println("CHURN failed: " + e);
        } finally {
            if (rival != null) {
                rival.unregister();
            }
            mine.forEach(ArenaZone::close);
        }
    }

    private static void release(ArenaZone zone) {
        System.out.println("CHURN - " + zone.zone().id());
        zone.close();
    }

    /** Registers a no-op backend that outranks every real one, or withdraws it. */
    private ServiceRegistration<Backend> swap(ServiceRegistration<Backend> rival) {
        if (rival != null) {
            System.out.println("CHURN swap back");
            rival.unregister();
            return null;
        }
        System.out.println("CHURN swap away");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("service.ranking", Integer.MAX_VALUE);
        return context.registerService(Backend.class, new Backend() {
            @Override
            public String name() {
                return "churn-rival";
            }

            @Override
            public void registerRegion(Region region) {
                // a rival that keeps nothing: while it is active the minidump table is empty
            }

            @Override
            public void unregisterRegion(Region region) {
                // nothing was kept
            }
        }, properties);
    }
}
