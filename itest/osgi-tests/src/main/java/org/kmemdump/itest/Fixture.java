package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Vmcoreinfo;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What the integration tests share: where the test bundles built by the reactor are embedded (for
 * osgi-test's BundleInstaller), recording backends and the core's pin configured while a test runs
 * (those known before it are osgi-test's {@code @WithFactoryConfiguration}), reading the recorders'
 * call logs, and waiting for DS, which reacts to configuration and bundle events asynchronously.
 */
final class Fixture {
    static final String RECORDER_PID = "org.kmemdump.itest.recorder";
    static final String CORE_PID = "org.kmemdump.core";
    static final Duration PATIENCE = Duration.ofSeconds(20);

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;

    /** @param configurationAdmin the test's, injected by osgi-test ({@code @InjectService}) */
    Fixture(BundleContext context, ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
    }

    /**
     * @return the entry of a bundle embedded in the test bundle (recording-backend, zone-consumer,
     *         backend-minidump, backend-kinfo; see bnd.bnd), for {@code BundleInstaller.installBundle}
     */
    static String embedded(String artifactId) {
        return "test-bundles/" + artifactId + ".jar";
    }

    /**
     * Maps the arena file read-only, as a collector does, and hands the mapping and its checked
     * header to {@code reader}; the mapping is gone when this returns.
     */
    <T> T readArena(BiFunction<MemorySegment, ArenaFile.Header, T> reader) throws IOException {
        Path file = directory().resolve(ArenaFile.FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = channel.map(MapMode.READ_ONLY, 0, channel.size(), arena);
            return reader.apply(mapped, ArenaFile.read(mapped, channel.size(), file.toString()));
        }
    }

    /** @return the installed bundle of that symbolic name */
    Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return fail("no bundle " + symbolicName + " is installed");
    }

    /** @return the kmemdump directory the runtime claimed */
    Path directory() {
        return context.getService(context.getServiceReference(KmemdumpDirectory.class)).path();
    }

    /** Creates (or updates) a recording backend named {@code name}. */
    Configuration recorder(String name, int ranking, String refuse) throws IOException {
        Configuration configuration = configurationAdmin.getFactoryConfiguration(RECORDER_PID, name, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("name", name);
        properties.put("service.ranking", ranking);
        properties.put("refuse", refuse);
        configuration.update(properties);
        return configuration;
    }

    void pin(String backend) throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(CORE_PID, "?");
        if (backend == null) {
            configuration.delete();
        } else {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("pinned.backend", backend);
            configuration.update(properties);
        }
    }

    /** @return the live call log of recorder {@code name}, waiting for its service to appear */
    @SuppressWarnings("unchecked")
    Supplier<List<String>> log(String name) {
        Filter filter;
        try {
            filter = context.createFilter("(&(objectClass=" + Supplier.class.getName() + ")(name=" + name + "))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("recorder name " + name, e);
        }
        ServiceTracker<Supplier<List<String>>, Supplier<List<String>>> tracker = new ServiceTracker<>(context, filter, null);
        tracker.open();
        try {
            if (tracker.waitForService(PATIENCE.toMillis()) == null) {
                fail("timed out after " + PATIENCE.toSeconds() + " s waiting for recorder '" + name + "'");
            }
            // got through the test's context, so the recorder outlives the tracker: DS would deactivate an unused one
            return (Supplier<List<String>>) context.getService(tracker.getServiceReference());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted waiting for recorder '" + name + "'");
        } finally {
            tracker.close();
        }
    }

    /** @return the service of recorder {@code name}, which {@link #log} waited for */
    ServiceReference<?> recorderService(String name) {
        try {
            ServiceReference<?>[] found = context.getServiceReferences(Supplier.class.getName(), "(name=" + name + ")");
            return found != null && found.length == 1 ? found[0] : fail("not one recorder '" + name + "': " + Arrays.toString(found));
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("recorder name " + name, e);
        }
    }

    /**
     * Waits until {@code service}'s unregistration is over, the listeners' calls included (the
     * core's unbind of a backend among them): the framework's mark for it is that the reference no
     * longer has a bundle. Not its UNREGISTERING event, which comes before those calls, nor the
     * VMCOREINFO's backend, which may not have named it yet, or be read torn.
     */
    static void awaitUnregistered(ServiceReference<?> service, String what) {
        await(what + " to be unregistered", () -> service.getBundle() == null);
    }

    /** @return the ids a recorder holds, replaying its log */
    static Set<Integer> held(List<String> log) {
        Set<Integer> held = new TreeSet<>();
        for (String entry : log) {
            String[] words = entry.split(" ");
            int id = Integer.parseInt(words[2]);
            switch (words[1]) {
                case "register" -> held.add(id);
                case "unregister" -> held.remove(id);
                default -> { }
            }
        }
        return held;
    }

    /** @return the entries of {@code log} with the given verb, as {@code "verb id"} strings */
    static List<String> calls(List<String> log, String verb) {
        List<String> calls = new ArrayList<>();
        for (String entry : log) {
            String[] words = entry.split(" ");
            if (words[1].equals(verb)) {
                calls.add(verb + " " + words[2]);
            }
        }
        return calls;
    }

    static List<String> each(String verb, List<Integer> ids) {
        return ids.stream().map(id -> verb + " " + id).toList();
    }

    static long sequence(String entry) {
        return Long.parseLong(entry.split(" ")[0]);
    }

    static List<Integer> ids(ZoneRegistry registry) {
        return registry.zones().stream().map(Zone::id).toList();
    }

    /** @return the VMCOREINFO zone's bytes, whose text names the active backend and every zone */
    private static byte[] vmcoreinfoZone(ZoneRegistry registry) {
        Zone zone = registry.zones().stream().filter(z -> z.id() == ZoneIds.VMCOREINFO).findFirst().orElseThrow();
        return MemorySegment.ofAddress(zone.address()).reinterpret(zone.size()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** @return the VMCOREINFO zone's text */
    static String vmcoreinfo(ZoneRegistry registry) {
        return MemorySegment.ofArray(vmcoreinfoZone(registry)).getString(0, StandardCharsets.UTF_8);
    }

    /** @return the backend the VMCOREINFO text names, or "?" while a rewrite has it torn (the callers poll) */
    static String activeBackend(ZoneRegistry registry) {
        try {
            return Vmcoreinfo.parse(vmcoreinfoZone(registry)).value(Vmcoreinfo.BACKEND).orElse("?");
        } catch (IllegalArgumentException torn) {
            return "?";
        }
    }

    /**
     * Polls for a state no service event announces (the active backend, the contents of a file, the
     * registry's zones); a service is awaited through osgi-test's {@code ServiceAware} or, for a
     * recorder named at run time, a {@code ServiceTracker}.
     */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + PATIENCE.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
