package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectService;

/**
 * The example consumer that README's "Use it from your own bundle" quotes, built by the reactor
 * against the API alone: its component keeps its state in an arena zone and an ordinary one while
 * the bundle runs, updates them in place, and both are gone when it stops.
 */
class ExampleConsumerTest extends InFramework {
    @InjectService
    ZoneRegistry registry;

    @Test
    void theExampleKeepsItsStateInAnArenaZoneAndAnOrdinaryOne() throws Exception {
        Bundle example = installer.installBundle(Fixture.embedded("example-consumer"), false);
        example.start();
        await("the example's zones", () -> text("example-last") != null);
        assertTrue(text("example-start").matches("started \\d{4}-\\d\\d-\\d\\dT.*Z"), text("example-start"));
        assertEquals("no request yet", text("example-last"));

        ServiceReference<?> reference = context.getServiceReference("org.kmemdump.example.RequestLog");
        Object requestLog = context.getService(reference);
        requestLog.getClass().getMethod("handled", String.class).invoke(requestLog, "GET /orders/42");
        context.ungetService(reference);
        assertEquals("last request: GET /orders/42", text("example-last"), "the zone is the component's memory: updated in place");

        example.stop();
        assertNull(text("example-start"), "closed when the component deactivated");
        assertNull(text("example-last"), "unregistered when the bundle stopped");
    }

    /** @return the text a zone of that name holds now, or {@code null} when none is registered */
    private String text(String name) {
        return registry.zones().stream().filter(zone -> zone.name().equals(name)).findFirst()
                .map(zone -> MemorySegment.ofAddress(zone.address()).reinterpret(zone.size()).getString(0)).orElse(null);
    }
}
