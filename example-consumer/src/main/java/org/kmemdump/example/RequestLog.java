package org.kmemdump.example;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.kmemdump.api.ArenaZone;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** Keeps what a post-mortem needs in two zones; README's "Use it from your own bundle" quotes it. */
@Component(service = RequestLog.class, immediate = true)
public class RequestLog {
    private final ArenaZone started;        // in the dump arena: outlives kill -9 and crashes
    private final MemorySegment last = Arena.ofAuto().allocate(256); // ordinary memory: read from a live or stopped JVM

    @Activate
    public RequestLog(@Reference ZoneRegistry registry) throws ZoneRegistrationException {
        started = registry.allocate("example-start", 64);
        started.memory().setString(0, "started " + Instant.now());
        last.setString(0, "no request yet");
        registry.register("example-last", last); // unregistered when this bundle stops
    }

    /** Records the newest request, at most 255 bytes of it, where the next dump finds it. */
    public synchronized void handled(String request) {
        byte[] text = ("last request: " + request).getBytes(StandardCharsets.UTF_8);
        int length = (int) Math.min(text.length, last.byteSize() - 1);
        MemorySegment.copy(text, 0, last, ValueLayout.JAVA_BYTE, 0, length);
        last.set(ValueLayout.JAVA_BYTE, length, (byte) 0);
    }

    @Deactivate
    void deactivate() {
        started.close(); // unregisters the zone and gives its arena memory back
    }
}
