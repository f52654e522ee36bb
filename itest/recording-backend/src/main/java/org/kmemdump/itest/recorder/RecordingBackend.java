package org.kmemdump.itest.recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Records every call it gets as {@code "<seq> register|unregister <id> <name>"}, where seq is a
 * counter shared by all recorders, so tests can check the order across backends. The log is
 * published as a {@code Supplier<List<String>>} service: a JDK type, so tests need no wiring to
 * this bundle and it can be uninstalled freely.
 */
@Component(configurationPid = RecordingBackend.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {Backend.class, Supplier.class})
@Designate(ocd = RecordingBackend.Config.class, factory = true)
public class RecordingBackend implements Backend, Supplier<List<String>> {
    public static final String FACTORY_PID = "org.kmemdump.itest.recorder";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    @ObjectClassDefinition
    @interface Config {
        String name();

        /** Ids this backend refuses, with the reason "refused by configuration". */
        String refuse() default "";
    }

    private final String name;
    private final Set<Integer> refused;
    private final List<String> log = new ArrayList<>();

    @Activate
    public RecordingBackend(Config config) {
        name = config.name();
        refused = Stream.of(config.refuse().split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Integer::valueOf).collect(Collectors.toSet());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void registerRegion(Region region) throws RegionRefusedException {
        if (refused.contains(region.id())) {
            log.add(SEQUENCE.incrementAndGet() + " refuse " + region.id() + " " + region.name());
            throw new RegionRefusedException("refused by configuration");
        }
        log.add(SEQUENCE.incrementAndGet() + " register " + region.id() + " " + region.name());
    }

    @Override
    public synchronized void unregisterRegion(Region region) {
        log.add(SEQUENCE.incrementAndGet() + " unregister " + region.id() + " " + region.name());
    }

    @Override
    public synchronized List<String> get() {
        return List.copyOf(log);
    }
}
