package org.kmemdump.core.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kmemdump.api.BackendPinning;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The one way a pin is set ({@code kmemdump:pin}, {@code kmemdump:unpin}, the Web Console page):
 * {@code pinned.backend} in the core's configuration (PID {@value KmemdumpRuntime#PID}), keeping its
 * other settings, returning once the core has applied it.
 *
 * <p>The configuration is fetched with the location {@code "?"}, which binds it to no one bundle:
 * {@code getConfiguration(PID)} without a location binds a new configuration to the calling bundle,
 * and the core, another bundle, would never see it (that is what Gogo's {@code cm:getConfiguration}
 * does, a pin silently ignored). One already bound to a bundle other than the core is rebound to
 * {@code "?"}, with a warning.
 */
@Component
public class BackendPins implements BackendPinning {
    static final String PINNED = "pinned.backend";
    /** Configuration admin delivers asynchronously; the core applies a change within milliseconds. */
    private static final long APPLY_TIMEOUT_MS = 10_000;

    private final KmemdumpRuntime runtime;
    private final ConfigurationAdmin configurations;

    @Activate
    public BackendPins(@Reference KmemdumpRuntime runtime, @Reference ConfigurationAdmin configurations) {
        this.runtime = runtime;
        this.configurations = configurations;
    }

    @Override
    public String pinned() {
        return runtime.backendChoice().pinned();
    }

    @Override
    public String active() {
        BackendSet.Choice choice = runtime.backendChoice();
        return choice.backends().stream().filter(backend -> backend.backend() == choice.active()).map(BackendSet.Tracked::name)
                .findFirst().orElse("");
    }

    @Override
    public void pin(String name) throws IOException, InterruptedException {
        if (name == null) {
            throw new IllegalArgumentException("no backend name given; nothing changed");
        }
        String wanted = name.trim();
        BackendSet.Choice choice = runtime.backendChoice();
        List<BackendSet.Tracked> named = choice.backends().stream().filter(backend -> backend.name().equals(wanted)).toList();
        if (named.isEmpty()) {
            throw new IllegalArgumentException("no backend named '" + wanted + "' is tracked (tracked: "
                    + String.join(", ", choice.backends().stream().map(BackendSet.Tracked::name).toList()) + "); nothing changed");
        }
        if (named.stream().allMatch(choice.notAllowed()::contains)) {
            throw new IllegalArgumentException("backend '" + wanted + "' is " + BackendSet.NOT_ALLOWED + ", so it can never be "
                    + "active; nothing changed");
        }
        setPin(wanted);
    }

    /** An empty pin is set, not removed: it overrides a framework property {@code kmemdump.core.pinned.backend}. */
    @Override
    public void unpin() throws IOException, InterruptedException {
        setPin("");
    }

    private void setPin(String name) throws IOException, InterruptedException {
        Configuration configuration = configurations.getConfiguration(KmemdumpRuntime.PID, "?");
        String location = configuration.getBundleLocation();
        String coreLocation = runtime.location();
        if (location != null && !location.equals("?") && !location.equals(coreLocation)) {
            configuration.setBundleLocation("?");
            runtime.warn("configuration " + KmemdumpRuntime.PID + " was bound to " + location + ", which the core never sees: now bound to ?");
        }
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        properties.put(PINNED, name);
        configuration.update(properties);
        awaitPin(name);
    }

    private void awaitPin(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(APPLY_TIMEOUT_MS);
        while (!runtime.backendChoice().pinned().equals(name)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the core did not apply " + PINNED + "=" + name + " within " + APPLY_TIMEOUT_MS
                        + " ms; is configuration " + KmemdumpRuntime.PID + " bound to another bundle? (cm:lsconfig)");
            }
            Thread.sleep(5);
        }
    }
}
