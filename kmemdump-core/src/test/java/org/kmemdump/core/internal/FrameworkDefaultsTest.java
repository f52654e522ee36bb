package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Framework properties {@code kmemdump.core.<key>} as defaults under configuration admin's values,
 * for every setting of the core's configuration.
 */
class FrameworkDefaultsTest {
    private final List<String> warnings = new ArrayList<>();

    /** The configuration as DS builds it when configuration admin sets {@code configured}: those values, else the defaults. */
    private static KmemdumpRuntime.Config ds(Map<String, Object> configured) {
        return (KmemdumpRuntime.Config) Proxy.newProxyInstance(KmemdumpRuntime.Config.class.getClassLoader(),
                new Class<?>[] {KmemdumpRuntime.Config.class}, (proxy, method, args) -> {
                    String key = FrameworkDefaults.key(method.getName());
                    return configured.containsKey(key) ? configured.get(key) : method.getDefaultValue();
                });
    }

    private KmemdumpRuntime.Config apply(Map<String, Object> configured, Map<String, String> framework) {
        return FrameworkDefaults.apply(KmemdumpRuntime.Config.class, ds(configured), configured.keySet(), framework::get, warnings::add);
    }

    @Test
    void keysFollowTheDeclarativeServicesNamingRules() {
        assertEquals("arena.size", FrameworkDefaults.key("arena_size"));
        assertEquals("components.zone.size", FrameworkDefaults.key("components_zone_size"));
        assertEquals("a_b", FrameworkDefaults.key("a__b"));
        assertEquals("a-b", FrameworkDefaults.key("a$_$b"));
        assertEquals("a$b", FrameworkDefaults.key("a$$b"));
        assertEquals("ab", FrameworkDefaults.key("a$b"));
    }

    @Test
    void aFrameworkPropertyIsTheDefaultOfEverySettingConfigurationLeavesUnset() {
        KmemdumpRuntime.Config config = apply(Map.of(), Map.of(
                "kmemdump.core.arena.size", "134217728",
                "kmemdump.core.log.ring.size", " 65536 ",
                "kmemdump.core.pinned.backend", "minidump",
                "kmemdump.core.backend.allow", "backend-minidump, backend-kinfo",
                "kmemdump.core.threads.period", "2.5",
                "kmemdump.core.threads.depth", "16",
                "kmemdump.core.watchdog.exit", "true"));
        assertEquals(134217728L, config.arena_size());
        assertEquals(65536L, config.log_ring_size());
        assertEquals("minidump", config.pinned_backend());
        assertArrayEquals(new String[] {"backend-minidump", "backend-kinfo"}, config.backend_allow());
        assertEquals(2.5, config.threads_period());
        assertEquals(16, config.threads_depth());
        assertEquals(true, config.watchdog_exit());
        assertEquals("WARNING", config.log_jul_level(), "a setting without a property keeps its default");
        assertEquals(List.of(), warnings);
    }

    @Test
    void configurationAdminsValueOverridesTheFrameworkProperty() {
        KmemdumpRuntime.Config config = apply(Map.of("arena.size", 8L << 20, "pinned.backend", ""),
                Map.of("kmemdump.core.arena.size", "134217728", "kmemdump.core.pinned.backend", "minidump"));
        assertEquals(8L << 20, config.arena_size());
        assertEquals("", config.pinned_backend(), "an empty value set by configuration is a value");
    }

    @Test
    void withoutFrameworkPropertiesTheConfigurationIsDeclarativeServicesOwn() {
        KmemdumpRuntime.Config ds = ds(Map.of());
        assertSame(ds, FrameworkDefaults.apply(KmemdumpRuntime.Config.class, ds, Set.of(), key -> null, warnings::add));
    }

    @Test
    void aPropertyThatDoesNotParseIsOneWarningNamingItAndTheDefaultStays() throws Exception {
        KmemdumpRuntime.Config config = apply(Map.of(), Map.of("kmemdump.core.arena.size", "64m",
                "kmemdump.core.watchdog.exit", "yes"));
        Method arenaSize = KmemdumpRuntime.Config.class.getDeclaredMethod("arena_size");
        assertEquals(arenaSize.getDefaultValue(), config.arena_size());
        assertEquals(false, config.watchdog_exit());
        assertEquals(List.of("framework property kmemdump.core.arena.size=64m is not an integer: ignored, arena.size stays "
                + arenaSize.getDefaultValue()), warnings.stream().filter(w -> w.contains("arena.size")).toList());
        assertEquals(List.of("framework property kmemdump.core.watchdog.exit=yes is not true or false: ignored, watchdog.exit stays false"),
                warnings.stream().filter(w -> w.contains("watchdog")).toList());
    }
}
