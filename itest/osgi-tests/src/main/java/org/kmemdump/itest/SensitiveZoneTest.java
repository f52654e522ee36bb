package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;
import static org.kmemdump.itest.Fixture.calls;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.api.ArenaZone;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneOption;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.ZoneDirectory;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.test.common.annotation.InjectService;

/**
 * Through the real service: a zone registered sensitive is reported so, never reaches the active
 * backend, is flagged in the arena's zone directory and is zeros in {@code kmemdump:dump} unless
 * {@code --include-sensitive}; and the core's {@code backend.allow} keeps a backend of a bundle
 * not listed from becoming active. The shell commands are called as Gogo calls them: by reflection
 * on the command service.
 */
class SensitiveZoneTest extends InFramework {
    private static final byte[] SECRET = "itest-secret-token-0123456789".getBytes(StandardCharsets.US_ASCII);

    @InjectService
    ZoneRegistry registry;
    @TempDir
    Path temp;

    private Fixture fixture;
    private Bundle recorders;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new Fixture(context, configurationAdmin);
        recorders = installer.installBundle(Fixture.embedded("recording-backend"), false);
        recorders.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.pin(null); // deletes the core's configuration: backend.allow too
        recorders.uninstall();
        for (Configuration configuration : configurationAdmin.listConfigurations(
                "(service.factoryPid=" + Fixture.RECORDER_PID + ")") instanceof Configuration[] found ? found : new Configuration[0]) {
            configuration.delete();
        }
        await("the default backend to be active again", () -> Fixture.activeBackend(registry).equals("default"));
    }

    @Test
    void aSensitiveZoneIsFlaggedKeptFromTheBackendAndZerosInADumpUnlessAskedFor() throws Exception {
        fixture.recorder("rec", 20, "");
        Supplier<List<String>> rec = fixture.log("rec");
        await("rec to be active", () -> Fixture.activeBackend(registry).equals("rec"));
        try (ArenaZone keys = registry.allocate("keys", SECRET.length, ZoneOption.SENSITIVE)) {
            keys.memory().copyFrom(MemorySegment.ofArray(SECRET));
            int id = keys.zone().id();
            assertTrue(keys.zone().sensitive());
            assertTrue(registry.zones().stream().filter(zone -> zone.id() == id).allMatch(Zone::sensitive));
            assertFalse(calls(rec.get(), "register").contains("register " + id), "the backend never sees it: " + rec.get());
            int flags = fixture.<Integer>readArena((mapped, header) -> ArenaFile.directory(mapped).validEntries()
                    .stream().filter(entry -> entry.id() == id).findFirst().orElseThrow().flags());
            assertEquals(ZoneDirectory.SENSITIVE, flags, "the zone directory flags it");

            Path core = temp.resolve("core");
            String withheld = command("dump", false, core.toString());
            assertTrue(withheld.contains("zone " + id + " 'keys' (" + SECRET.length + " bytes): sensitive: not collected"), withheld);
            assertTrue(withheld.contains("1 sensitive not collected"), withheld);
            assertFalse(contains(Files.readAllBytes(core), SECRET), "the secret is not in the dump");

            String included = command("dump", true, core.toString());
            assertFalse(included.contains("sensitive: not collected"), included);
            assertTrue(contains(Files.readAllBytes(core), SECRET), "--include-sensitive writes it");

            assertTrue(command("zones").contains("sensitive: kept from backends"));
        }
    }

    @Test
    void aBackendOfABundleNotInTheAllowListIsNeverActive() throws Exception {
        allow(context.getBundle().getSymbolicName()); // a bundle without backends: none may be active
        await("no backend to be active", () -> Fixture.activeBackend(registry).equals("none"));
        fixture.recorder("high", 20, "");
        Supplier<List<String>> high = fixture.log("high");
        await("the core to track high", () -> backends().lines().anyMatch(line -> line.contains("high")));
        String backends = backends();
        assertTrue(backends.lines().anyMatch(line -> line.contains("high") && line.contains("not allowed by backend.allow")), backends);
        assertTrue(backends.contains("no backend is active: backend.allow allows none of them"), backends);
        assertEquals("none", Fixture.activeBackend(registry));
        assertEquals(List.of(), high.get(), "a backend not allowed is never handed a zone");

        allow(recorders.getSymbolicName());
        await("the allowed backend to be active", () -> Fixture.activeBackend(registry).equals("high"));
        assertFalse(high.get().isEmpty());
    }

    private void allow(String bundle) throws Exception {
        Configuration configuration = configurationAdmin.getConfiguration(Fixture.CORE_PID, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("backend.allow", new String[] {bundle});
        configuration.update(properties);
    }

    private String backends() {
        try {
            return command("backends");
        } catch (Exception e) {
            throw new IllegalStateException("kmemdump:backends failed", e);
        }
    }

    /** @return what the kmemdump shell command printed, called as Gogo calls it */
    private String command(String name, Object... arguments) throws Exception {
        ServiceReference<?> reference = context.getServiceReferences((String) null,
                "(&(osgi.command.scope=kmemdump)(osgi.command.function=" + name + "))")[0];
        Object commands = context.getService(reference);
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            Class<?>[] types = Arrays.stream(arguments).map(a -> a instanceof Boolean ? boolean.class : a.getClass()).toArray(Class<?>[]::new);
            commands.getClass().getMethod(name, types).invoke(commands, arguments);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        } finally {
            System.setOut(out);
            context.ungetService(reference);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int at = 0; at <= haystack.length - needle.length; at++) {
            if (Arrays.equals(haystack, at, at + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
