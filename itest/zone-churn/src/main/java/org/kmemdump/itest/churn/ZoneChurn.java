package org.kmemdump.itest.churn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * announced in the file named by the framework property {@value #LOG}, so a test that kills the
 * JVM knows which registrations had returned:
 * <pre>
 * CHURN + &lt;id&gt; c&lt;n&gt; &lt;size&gt;   after register returned
 * CHURN - &lt;id&gt;                before unregistering
 * CHURN swap away | swap back
 * </pre>
 */
@Component(immediate = true, service = {})
public class ZoneChurn {
    /** Framework property: the file the announcements are appended to. */
    static final String LOG = "kmemdump.churn.log";

    private final ZoneRegistry registry;
    private final BundleContext context;
    private final Thread worker;
    private final FileChannel log;
    private volatile boolean running = true;

    @Activate
    public ZoneChurn(@Reference ZoneRegistry registry, BundleContext context) throws IOException {
        this.registry = registry;
        this.context = context;
        String path = context.getProperty(LOG);
        if (path == null) {
            throw new IllegalStateException("framework property " + LOG + " names no file for the announcements");
        }
        log = FileChannel.open(Path.of(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        worker = Thread.ofPlatform().name("zone-churn").start(this::churn);
    }

    @Deactivate
    void deactivate() throws InterruptedException, IOException {
        running = false;
        worker.join();
        log.close();
    }

    /**
     * One write(2) per line, straight to the file: it is in the page cache, and survives a kill, the
     * moment the call returns. (Announced on stdout, lines went missing in the crash tests; the cause
     * was not pinned down, but a PrintStream swallows write errors and the launcher and shell wrap it.)
     */
    private void announce(String line) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                log.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot announce '" + line + "'", e);
        }
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
                        announce("CHURN + " + zone.zone().id() + " c" + n + " " + size);
                    } catch (RegistryFullException | ArenaFullException full) {
                        release(mine.remove(0));
                    }
                } else {
                    release(mine.remove(random.nextInt(mine.size())));
                }
            }
        } catch (ZoneRegistrationException | RuntimeException e) {
            announce("CHURN failed: " + e);
        } finally {
            if (rival != null) {
                rival.unregister();
            }
            mine.forEach(ArenaZone::close);
        }
    }

    private void release(ArenaZone zone) {
        announce("CHURN - " + zone.zone().id());
        zone.close();
    }

    /** Registers a no-op backend that outranks every real one, or withdraws it. */
    private ServiceRegistration<Backend> swap(ServiceRegistration<Backend> rival) {
        if (rival != null) {
            announce("CHURN swap back");
            rival.unregister();
            return null;
        }
        announce("CHURN swap away");
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
