package org.kmemdump.itest.fatal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers the zone {@value #ZONE} in ordinary memory (not the arena: only the live process has
 * its bytes) holding a marker made up now, so no other zone can hold it, and prints
 * {@code FATAL marker <text>}. Then, after {@value #DELAY_MS} ms, ends the JVM as the framework
 * property {@value #END} says: {@code segv} reads address 0 through FFM, a SIGSEGV that HotSpot
 * treats as a fatal error (hs_err, -XX:OnError); {@code exit} calls System.exit(3); {@code oom} fills
 * the heap until an OutOfMemoryError (-XX:OnOutOfMemoryError). Anything else leaves the JVM running.
 */
@Component(immediate = true, service = {})
public class FatalCrash {
    static final String ZONE = "ordinary";
    static final String END = "kmemdump.fatal.end";
    static final long DELAY_MS = 300;

    @Activate
    public FatalCrash(@Reference ZoneRegistry registry, BundleContext context) throws ZoneRegistrationException {
        String marker = "kmemdump-ordinary-" + UUID.randomUUID();
        MemorySegment ordinary = Arena.global().allocate(4096);
        ordinary.setString(0, marker);
        registry.register(ZONE, ordinary);
        System.out.println("FATAL marker " + marker);
        String end = context.getProperty(END);
        if ("segv".equals(end) || "exit".equals(end) || "oom".equals(end)) {
            Thread.ofPlatform().name("fatal-crash").start(() -> {
                try {
                    Thread.sleep(DELAY_MS);
                } catch (InterruptedException e) {
                    return;
                }
                if (end.equals("segv")) {
                    System.out.println("FATAL reading address 0: " + MemorySegment.NULL.reinterpret(8).get(ValueLayout.JAVA_LONG, 0));
                } else if (end.equals("oom")) {
                    List<byte[]> heap = new ArrayList<>();
                    while (true) {
                        heap.add(new byte[1 << 20]);
                    }
                } else {
                    System.exit(3);
                }
            });
        }
    }
}
