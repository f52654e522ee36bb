package org.kmemdump.itest;

import static org.kmemdump.itest.Fixture.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.ComponentsText;
import org.kmemdump.format.SnapshotBuffers;
import org.kmemdump.format.ZoneDirectory;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;

/**
 * The components zone (9) kept current under real SCR, read from the arena file as a collector
 * reads it: a bundle's troubled components appear with their state, failure and what they wait
 * for; the awaited service arrives and the waiting component turns ACTIVE; the bundle stops and
 * its components are gone.
 */
class ComponentsZoneTest extends InFramework {
    private static final String TROUBLE = "org.kmemdump.itest.trouble.";

    /** @return the components of the zone's newest snapshot, as a collector reads them from the arena file */
    private List<ComponentsText.Component> components() {
        try {
            return new Fixture(context, configurationAdmin).readArena((mapped, header) -> {
                Optional<ZoneDirectory.Entry> zone = ArenaFile.directory(mapped).validEntries().stream()
                        .filter(entry -> entry.id() == ZoneIds.COMPONENTS).findFirst();
                if (zone.isEmpty()) {
                    return List.<ComponentsText.Component>of();
                }
                SnapshotBuffers.Snapshot newest = SnapshotBuffers.open(mapped.asSlice(header.offsetOf(zone.get().address()),
                        zone.get().size()), SnapshotBuffers.Content.COMPONENTS, "zone 9").newest();
                return newest == null ? List.<ComponentsText.Component>of() : ComponentsText.read(newest.text()).components();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean shows(String name, String state, String detail) {
        return components().stream().anyMatch(c -> c.name().equals(TROUBLE + name) && c.state().equals(state)
                && (c.failure() + c.waits()).contains(detail));
    }

    @Test
    void troubledComponentsAppearChangeAndGo() throws Exception {
        Bundle trouble = installer.installBundle(Fixture.embedded("component-trouble"), false);
        try {
            trouble.start();
            await("Broken failed with its cause, Waiting waiting for Missing in zone 9", () -> shows("Broken", "FAILED_ACTIVATION",
                    "caused by: java.lang.IllegalStateException: no database") && shows("Waiting", "UNSATISFIED_REFERENCE",
                    "Reference[name=missing, interfaceName=" + TROUBLE + "Missing, target=(name=never)]"));

            Class<?> missing = trouble.loadClass(TROUBLE + "Missing");
            Object service = Proxy.newProxyInstance(missing.getClassLoader(), new Class<?>[] {missing}, (proxy, method, args) -> null);
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("name", "never");
            ServiceRegistration<?> registration = context.registerService(missing.getName(), service, properties);
            try {
                await("Waiting ACTIVE once its service is there", () -> shows("Waiting", "ACTIVE", ""));
            } finally {
                registration.unregister();
            }
            await("Waiting unsatisfied again", () -> shows("Waiting", "UNSATISFIED_REFERENCE", "(name=never)"));
            trouble.stop();
            await("the stopped bundle's components gone from zone 9",
                    () -> components().stream().noneMatch(c -> c.name().startsWith(TROUBLE)) && !components().isEmpty());
        } finally {
            trouble.uninstall();
        }
    }
}
