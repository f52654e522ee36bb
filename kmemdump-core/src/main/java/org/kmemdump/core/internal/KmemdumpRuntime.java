package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.BANNER;
import static org.kmemdump.api.ZoneIds.BUNDLES;
import static org.kmemdump.api.ZoneIds.CONFIG;
import static org.kmemdump.api.ZoneIds.ELF;
import static org.kmemdump.api.ZoneIds.LOG;
import static org.kmemdump.api.ZoneIds.RELEASE;
import static org.kmemdump.api.ZoneIds.VMCOREINFO;
import static org.kmemdump.format.KnownZones.BANNER_NAME;
import static org.kmemdump.format.KnownZones.BUNDLES_NAME;
import static org.kmemdump.format.KnownZones.CONFIG_NAME;
import static org.kmemdump.format.KnownZones.ELF_NAME;
import static org.kmemdump.format.KnownZones.LOG_NAME;
import static org.kmemdump.format.KnownZones.RELEASE_NAME;
import static org.kmemdump.format.KnownZones.VMCOREINFO_NAME;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
import org.kmemdump.directory.KmemdumpDirectory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The registry at the heart of the runtime: one {@link ZoneTable}, every tracked {@link Backend}
 * service, the coreimage zones, the runtime's own text zones and the log ring. Bundles reach it
 * through {@link BundleZoneRegistry}; operators through {@link KmemdumpCommands}.
 */
@Component(service = KmemdumpRuntime.class, immediate = true, configurationPid = KmemdumpRuntime.PID)
@Designate(ocd = KmemdumpRuntime.Config.class)
public class KmemdumpRuntime {
    static final String PID = "org.kmemdump.core";
    /** Room for the bundle table: about 100 bytes a bundle, for several hundred bundles. */
    static final int BUNDLE_TABLE_CAPACITY = 64 * 1024;

    @ObjectClassDefinition(name = "kmemdump core", description = "The zone registry, its backend choice, the dump arena and the log ring")
    @interface Config {
        @AttributeDefinition(name = "Pinned backend",
                description = "Name of the backend to keep active whatever the service rankings; empty to let "
                        + "the highest service.ranking win. While no backend of that name is present, the ranking decides.")
        String pinned_backend() default "";

        @AttributeDefinition(name = "Backend allow-list",
                description = "Symbolic names of the bundles that may provide the active backend (which receives every "
                        + "zone's memory); empty lets any bundle's. A backend of another bundle is tracked but never made "
                        + "active: kmemdump:backends says 'not allowed by backend.allow'.")
        String[] backend_allow() default {};

        @AttributeDefinition(name = "Arena size",
                description = "Bytes of the persistent dump arena file (sparse: pages cost memory once written). "
                        + "Read at start. The directory is the framework property kmemdump.directory.")
        long arena_size() default 64L << 20;

        @AttributeDefinition(name = "Log ring size",
                description = "Bytes of the log ring (zone 7, 'log'), its 64-byte header included: every OSGi Log Service "
                        + "entry is appended to it, the oldest overwritten, and it lives in the dump arena, so it outlives "
                        + "the JVM. 0 disables it; a size below 256 bytes is raised to 256, with a warning; one larger than the arena "
                        + "is a warning and no ring. Read at start.")
        long log_ring_size() default LogRingWriter.DEFAULT_SIZE;

        // the threads zone's periods, depth and the watchdog: ThreadWatch reads these
        @AttributeDefinition(name = "Threads snapshot period",
                description = "Seconds between snapshots of every thread into the threads zone (zone 8), fractions allowed; 0 turns "
                        + "the periodic snapshot off (the watchdog and kmemdump:threads still write one)")
        double threads_period() default ThreadWatch.DEFAULT_PERIOD;

        @AttributeDefinition(name = "Threads stack depth", description = "Frames kept per thread in a snapshot; deeper ones are counted")
        int threads_depth() default ThreadsZoneWriter.DEFAULT_DEPTH;

        @AttributeDefinition(name = "Threads zone size",
                description = "Bytes of the threads zone (zone 8, 'threads'), two snapshots' room; threads that do not fit are counted. "
                        + "0 disables the zone. Read at start.")
        long threads_size() default ThreadsZoneWriter.DEFAULT_SIZE;

        @AttributeDefinition(name = "Watchdog period",
                description = "Seconds between watchdog checks for deadlocks and a stalled framework, fractions allowed; 0 turns it off")
        double watchdog_period() default ThreadWatch.DEFAULT_PERIOD;

        @AttributeDefinition(name = "Watchdog stall bound",
                description = "Seconds within which the framework must deliver the watchdog's probe event, or it is stalled")
        double watchdog_stall() default ThreadWatch.DEFAULT_STALL;

        @AttributeDefinition(name = "Watchdog exit",
                description = "Whether the watchdog ends the JVM (Runtime.halt, status 70) after reporting, so a supervisor restarts it")
        boolean watchdog_exit() default false;

        @AttributeDefinition(name = "JUL level",
                description = "java.util.logging records at this level or above go to the log ring too, marked 'jul:<logger>' "
                        + "(WARNING by default: the JDK and libraries log much at INFO, which would push the OSGi log out of the ring). "
                        + "OFF captures none. Read at start.")
        String log_jul_level() default "WARNING";

        @AttributeDefinition(name = "Components zone size",
                description = "Bytes of the components zone (zone 9, 'components'): Declarative Services' view of every component, "
                        + "its state, failure and unsatisfied references, kept current. 0 disables it. Read at start.")
        long components_zone_size() default ComponentsZone.DEFAULT_SIZE;

        @AttributeDefinition(name = "Arena sync",
                description = "When the arena's pages are written to its file (msync). Nothing to gain on tmpfs (/dev/shm, the "
                        + "default); on a disk the arena survives a reboot or power loss only as far as it was written. "
                        + "none: only at a clean stop or exit; periodic: every sync.period seconds; zone-change: whenever a "
                        + "zone is registered or unregistered, before that call returns. Read at start.",
                options = {@Option(value = ArenaSync.NONE_NAME, label = "none"), @Option(value = ArenaSync.PERIODIC_NAME, label = "periodic"),
                        @Option(value = ArenaSync.ZONE_CHANGE_NAME, label = "on every zone change")})
        String sync() default ArenaSync.NONE_NAME;

        @AttributeDefinition(name = "Arena sync period", description = "Seconds between periodic syncs (sync = periodic), fractions allowed")
        double sync_period() default ArenaSync.DEFAULT_PERIOD;
    }

    /** Every part that warns gets this one: a method reference per call site would be a class spun per site at start. */
    private final Consumer<String> warnings = this::warn;
    private final ZoneTable table = new ZoneTable(warnings);
    private final BackendSet backends = new BackendSet();
    private final WatchdogProbes watchdogProbes = new WatchdogProbes();
    private final BundleListener bundleTableUpdater = event -> writeBundleTable();

    /** Optional: the registry must keep working, and warn on stderr, without a Log Service. */
    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Logger logger;

    /** Optional: tells which settings configuration admin sets, under which framework properties are defaults. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configurationAdmin;

    /** Always there, usable or not: when it is not, the registry works in ordinary memory and says why. */
    @Reference
    KmemdumpDirectory directory;

    private BundleContext context;
    /** The persistent arena, or null when its directory was unusable (then {@link #arenaProblem} says why). */
    private DumpArena dumpArena;
    private String arenaProblem;
    /** Where the runtime's zones live when there is no persistent arena. */
    private Arena volatileMemory;
    private MemorySegment bundleTable;
    private Owner runtimeOwner;
    /** The log ring and what feeds it, or null when there is none (then {@link #logRingProblem} says why). */
    private LogRingWriter logRing;
    private LogFeed logFeed;
    private String logRingProblem;
    private JulFeed julFeed;
    /** The components zone's writer, or null when it is disabled or did not fit. */
    private ComponentsZone components;
    /** The threads zone's writer, or null when there is none (then {@link #threadsProblem} says why). */
    private ThreadsZoneWriter threads;
    private volatile String threadsProblem;

    @Activate
    void activate(BundleContext context, Config configured, Map<String, Object> properties) throws ZoneRegistrationException {
        this.context = context;
        runtimeOwner = new Owner(context.getBundle().getBundleId(), context.getBundle().getSymbolicName());
        Config config = settings(configured, properties);
        applyBackendChoice(config);
        Host host = Host.current();
        RuntimeFacts facts = new RuntimeFacts(context, host);
        // all or nothing: a failure at any step (an arena too small for the runtime's zones) releases
        // the arena, its directory claim, heartbeat and shutdown hook, or every later activation in
        // this JVM would find the directory taken and fall back to ordinary memory
        try {
            SegmentAllocator memory = openArena(config.arena_size(), ArenaSync.of(config.sync(), config.sync_period(), warnings));
            CoreImage coreImage = new CoreImage(memory, host, facts.release());
            DumpArena persistent = dumpArena;
            if (persistent != null) {
                persistent.coreimage(coreImage.elf(), coreImage.vmcoreinfo());
                table.canonical(persistent::canonical);
                table.listener(ZoneTable.Listener.both(persistent, coreImage));
            } else {
                table.listener(coreImage);
            }
            bundleTable = memory.allocate(BUNDLE_TABLE_CAPACITY);
            writeBundleTable();
            table.register(ELF, ELF_NAME, coreImage.elf(), runtimeOwner);
            table.register(VMCOREINFO, VMCOREINFO_NAME, coreImage.vmcoreinfo(), runtimeOwner);
            table.register(CONFIG, CONFIG_NAME, Text.allocate(memory, facts.configuration()), runtimeOwner);
            table.register(RELEASE, RELEASE_NAME, Text.allocate(memory, facts.release()), runtimeOwner);
            table.register(BANNER, BANNER_NAME, Text.allocate(memory, facts.banner()), runtimeOwner);
            table.register(BUNDLES, BUNDLES_NAME, bundleTable, runtimeOwner);
            startLogRing(memory, config.log_ring_size(), config.arena_size(), config.log_jul_level());
            // the threads zone is registered here, not by ThreadWatch, so that the runtime's zones are
            // all listed as soon as the registry is: ThreadWatch only decides when to write it
            threads = ThreadsZoneWriter.start(memory, config.threads_size(), config.arena_size(), table, runtimeOwner,
                    why -> threadsProblem = why, warnings);
            components = ComponentsZone.start(context, memory, config.components_zone_size(), table, runtimeOwner, warnings);
        } catch (ZoneRegistrationException | RuntimeException e) {
            release();
            throw e;
        }
        context.addBundleListener(bundleTableUpdater);
    }

    /**
     * Opens the persistent arena; if its directory is unusable the registry still works, with the
     * runtime's zones in ordinary memory, and says why on every {@code allocate}.
     */
    private SegmentAllocator openArena(long size, ArenaSync sync) {
        try {
            dumpArena = DumpArena.open(directory, size, sync);
            return dumpArena;
        } catch (IOException | RuntimeException e) {
            arenaProblem = "no persistent dump arena in " + directory.path() + ": " + e.getMessage();
            warn(arenaProblem + "; zones will not outlive this JVM");
            volatileMemory = Arena.ofShared();
            return volatileMemory;
        }
    }

    /**
     * Allocates the log ring beside the runtime's other zones, registers it and starts feeding it.
     * A ring that does not fit is a warning: the registry works without it. A ring larger than
     * {@code arena.size} is refused before anything is allocated, also in ordinary memory, where
     * nothing else would stop a size like 2^63-1 from reaching the C allocator.
     */
    private void startLogRing(SegmentAllocator memory, long configured, long arenaSize, String julLevel) throws ZoneRegistrationException {
        long size = LogRingWriter.zoneSize(configured, warnings);
        if (size == 0) {
            logRingProblem = "the log ring is disabled: log.ring.size is 0 in PID " + PID;
            return;
        }
        if (size > arenaSize) {
            noLogRing("log.ring.size " + size + " is larger than arena.size " + arenaSize);
            return;
        }
        MemorySegment zone;
        try {
            zone = memory.allocate(size, 8);
        } catch (RuntimeException e) {
            noLogRing(e.getMessage());
            return;
        }
        logRing = new LogRingWriter(zone);
        table.register(LOG, LOG_NAME, zone, runtimeOwner);
        logFeed = new LogFeed(context, logRing, watchdogProbes);
        logFeed.open();
        julFeed = new JulFeed(logRing, JulFeed.threshold(julLevel, warnings));
        julFeed.install();
    }

    private void noLogRing(String reason) {
        logRingProblem = "no log ring: " + reason;
        warn(logRingProblem + "; lower log.ring.size or raise arena.size");
    }

    /** @return the configuration, with framework properties {@code kmemdump.core.<key>} for the keys configuration admin leaves unset */
    Config settings(Config configured, Map<String, Object> properties) {
        return FrameworkDefaults.apply(Config.class, configured, configuredKeys(properties), context::getProperty, warnings);
    }

    /**
     * @return the keys configuration admin sets in PID {@value #PID}; DS's properties cannot tell, as
     *         they hold every default too. When configuration admin cannot be asked, all of them, so
     *         that a configured value is never overridden by a framework property.
     */
    private Set<String> configuredKeys(Map<String, Object> properties) {
        if (!properties.containsKey(Constants.SERVICE_PID)) {
            return Set.of();
        }
        ConfigurationAdmin admin = configurationAdmin;
        if (admin != null) {
            try {
                Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
                Dictionary<String, Object> configured = found == null || found.length != 1 ? null : found[0].getProperties();
                if (configured != null) {
                    return Set.copyOf(Collections.list(configured.keys()));
                }
            } catch (IOException | InvalidSyntaxException e) {
                warn("cannot ask configuration admin which settings it sets, so framework properties kmemdump.core.* are not used: " + e);
            }
        }
        return properties.keySet();
    }

    @Modified
    void modified(Config configured, Map<String, Object> properties) {
        applyBackendChoice(settings(configured, properties));
    }

    private void applyBackendChoice(Config config) {
        table.changeBackends(() -> {
            backends.pin(config.pinned_backend());
            backends.allow(config.backend_allow());
        }, backends::choose);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(bundleTableUpdater);
        release();
    }

    /**
     * Stops the log ring's writes and unregisters the runtime's zones from the backend before their
     * memory goes; the arena's zone directory still lists them, so a stopped run's log stays readable.
     */
    private void release() {
        if (threads != null) {
            threads.close();
        }
        if (components != null) {
            components.close();
        }
        if (julFeed != null) {
            julFeed.uninstall();
        }
        if (logFeed != null) {
            logFeed.close();
        }
        if (logRing != null) {
            logRing.close();
        }
        // the zone directory and coreimage keep listing the zones as they were at the stop: their bytes
        // stay in the arena file, and the clean-shutdown mark tells readers the process let them go
        table.listener(ZoneTable.Listener.NONE);
        table.unregisterAll(runtimeOwner);
        synchronized (bundleTableUpdater) {
            bundleTable = null;
            if (volatileMemory != null) {
                volatileMemory.close();
            }
            if (dumpArena != null) {
                try {
                    dumpArena.close();
                } catch (IOException e) {
                    warn("could not close the dump arena in " + dumpArena.directory() + " cleanly: " + e);
                }
            }
        }
    }

    /** @return where the persistent arena is and how full, or why there is none */
    String arenaStatus() {
        DumpArena arena = dumpArena;
        return arena == null ? arenaProblem : arena.describe();
    }

    /** @return the log ring's writer, or null when there is none (then {@link #logRingProblem()} says why) */
    LogRingWriter logRing() {
        return logRing;
    }

    String logRingProblem() {
        return logRingProblem;
    }

    /** @return the threads zone's writer, or null when there is none (then {@link #threadsProblem()} says why) */
    ThreadsZoneWriter threads() {
        return threads;
    }

    /** @return the watchdog's probes, whose records the log feed leaves out */
    WatchdogProbes watchdogProbes() {
        return watchdogProbes;
    }

    String threadsProblem() {
        return threadsProblem;
    }

    /** @return the components zone's writer, or null when there is none */
    ComponentsZone components() {
        return components;
    }

    /** Allocates a zone in the persistent arena and registers it; see {@link ZoneRegistry#allocate}. */
    PersistentZone allocate(int id, String name, long size, boolean sensitive, Owner owner, Consumer<PersistentZone> onClose)
            throws ZoneRegistrationException {
        if (id != ZoneIds.NO_ID) {
            ZoneArguments.checkId(id);
        }
        ZoneArguments.checkName(name);
        if (size <= 0) {
            throw new IllegalArgumentException("zone size " + size + " must be at least 1 byte");
        }
        DumpArena arena = dumpArena;
        if (arena == null) {
            throw new IllegalStateException(arenaProblem);
        }
        DumpArena.Block block;
        try {
            block = arena.allocateBlock(size);
        } catch (IOException e) {
            throw new IllegalStateException("could not map " + size + " bytes of the dump arena: " + e.getMessage(), e);
        }
        try {
            return new PersistentZone(table, arena, table.register(id, name, block.registered(), owner, sensitive), block, onClose);
        } catch (ZoneRegistrationException | RuntimeException e) {
            arena.free(block);
            throw e;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindBackend(ServiceReference<Backend> reference, Backend backend) {
        table.changeBackends(() -> backends.add(reference, backend), backends::choose);
    }

    void updatedBackend(ServiceReference<Backend> reference) {
        table.changeBackends(() -> { }, backends::choose);
    }

    void unbindBackend(ServiceReference<Backend> reference) {
        table.changeBackends(() -> backends.remove(reference), backends::choose);
    }

    ZoneTable table() {
        return table;
    }

    /** @return the core bundle's location, to which its configuration may be bound */
    String location() {
        return context.getBundle().getLocation();
    }

    /** @return the tracked backends, the active one and the pin, all as of one moment */
    BackendSet.Choice backendChoice() {
        return table.locked(() -> backends.choice(table.activeBackend()));
    }

    List<CoreDump.Outcome> dump(Path file, boolean includeSensitive) throws IOException {
        return CoreDump.write(table, file, includeSensitive);
    }

    private void writeBundleTable() {
        StringBuilder text = new StringBuilder();
        for (Bundle bundle : context.getBundles()) {
            text.append(bundle.getBundleId()).append(' ').append(RuntimeFacts.state(bundle)).append(' ')
                    .append(bundle.getSymbolicName()).append(' ').append(bundle.getVersion()).append('\n');
        }
        synchronized (bundleTableUpdater) {
            if (bundleTable != null) {
                Text.write(bundleTable, text.toString());
            }
        }
    }

    /** Warns through the Log Service, or on stderr without one; also for {@link ThreadWatch}. */
    void warn(String message) {
        Logger log = logger;
        if (log != null) {
            log.warn(message);
        } else {
            System.err.println("kmemdump: " + message);
        }
    }
}
