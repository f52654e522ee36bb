package org.kmemdump.core.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.kmemdump.backend.Backend;
import org.kmemdump.format.ComponentsText;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.SnapshotBuffers;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo shell commands, scope {@code kmemdump}: {@code zones}, {@code backends}, {@code dump FILE},
 * {@code log [-n N]}, {@code components}.
 * Plain command properties rather than {@code @GogoCommand}: that annotation would make the core
 * require a shell, and the registry must work without one.
 */
@Component(service = KmemdumpCommands.class, property = {"osgi.command.scope=kmemdump",
        "osgi.command.function=zones", "osgi.command.function=backends", "osgi.command.function=dump",
        "osgi.command.function=log", "osgi.command.function=components"})
public class KmemdumpCommands {
    private final KmemdumpRuntime runtime;

    @Activate
    public KmemdumpCommands(@Reference KmemdumpRuntime runtime) {
        this.runtime = runtime;
    }

    @Descriptor("list the registered zones and their state in the active backend")
    public void zones() {
        PrintStream out = System.out;
        List<ZoneSlot> zones = runtime.table().zones();
        Backend active = runtime.table().activeBackend();
        String backend = active == null ? null : BackendSet.nameOf(active);
        out.printf("%3s  %-15s  %-18s  %12s  %-28s  %s%n", "ID", "NAME", "ADDRESS", "SIZE", "OWNER", "STATE");
        for (ZoneSlot zone : zones) {
            out.printf("%3d  %-15s  0x%016x  %12d  %-28s  %s%n", zone.id(), zone.name(), zone.address(), zone.size(),
                    zone.owner().name() + " [" + zone.owner().bundleId() + "]", state(zone, backend));
        }
        out.printf("%d zones%n", zones.size());
        out.println("arena: " + runtime.arenaStatus());
    }

    private static String state(ZoneSlot zone, String backend) {
        if (zone.lost()) {
            return "lost: its memory was freed while registered";
        }
        if (zone.sensitive()) {
            return "sensitive: kept from backends, in the arena's zone directory only";
        }
        if (backend == null) {
            return "registered, no backend";
        }
        return zone.refusal() == null ? "held by " + backend : "refused by " + backend + ": " + zone.refusal();
    }

    @Descriptor("list every tracked backend; the active one is marked *")
    public void backends() {
        print(runtime.backendChoice(), System.out);
    }

    /** Prints one consistent view of the backends: the pin and the active one as of the same moment. */
    static void print(BackendSet.Choice choice, PrintStream out) {
        out.printf("%-6s  %-16s  %11s  %10s  %s%n", "ACTIVE", "NAME", "RANKING", "SERVICE.ID", "BUNDLE");
        for (BackendSet.Tracked backend : choice.backends()) {
            Bundle bundle = backend.reference().getBundle();
            out.printf("%-6s  %-16s  %11s  %10d  %s%s%n", backend.backend() == choice.active() ? "*" : "", backend.name(),
                    backend.ranking(), backend.serviceId(),
                    bundle == null ? "(gone)" : bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]",
                    choice.notAllowed().contains(backend) ? "  " + BackendSet.NOT_ALLOWED : "");
        }
        if (!choice.allowed().isEmpty()) {
            out.println("backend.allow: " + String.join(", ", new TreeSet<>(choice.allowed())));
        }
        if (!choice.pinned().isEmpty()) {
            out.println("pinned by configuration: " + choice.pinned());
        }
        if (choice.backends().isEmpty()) {
            out.println("no backend: zones are registered but nothing makes them collectable");
        } else if (choice.active() == null) {
            out.println("no backend is active: backend.allow allows none of them");
        }
    }

    @Descriptor("write an ELF core of the live zones to a file; sensitive zones are zeros unless --include-sensitive")
    public void dump(@Descriptor("also write the bytes of sensitive zones (never the default)")
            @Parameter(names = "--include-sensitive", presentValue = "true", absentValue = "false") boolean includeSensitive,
            @Descriptor("the core file to write (replaced if it exists)") String file) throws IOException {
        Path path = Path.of(file).toAbsolutePath();
        List<CoreDump.Outcome> outcomes = runtime.dump(path, includeSensitive);
        for (CoreDump.Outcome outcome : outcomes) {
            if (outcome.problem() != null) {
                System.out.println("zone " + outcome.zone().id() + " '" + outcome.zone().name() + "' (" + outcome.zone().size()
                        + " bytes): " + outcome.problem());
            }
        }
        System.out.println(CoreDump.summary(path, outcomes));
    }

    @Descriptor("print the newest records of the log ring, oldest first")
    public void log(@Descriptor("how many records (default 20)") @Parameter(names = "-n", absentValue = "20") int count) {
        LogRingWriter ring = runtime.logRing();
        if (ring == null) {
            System.out.println(runtime.logRingProblem());
            return;
        }
        LogRing.Walk walk = ring.walk();
        List<LogRing.Entry> entries = walk.entries();
        List<LogRing.Entry> newest = entries.subList(Math.max(0, entries.size() - Math.max(0, count)), entries.size());
        for (LogRing.Entry entry : newest) {
            System.out.printf("%s %-5s %s [%d] %s%n", Instant.ofEpochMilli(entry.time()), entry.level(), entry.bundle(),
                    entry.bundleId(), entry.message());
            if (!entry.exception().isEmpty()) {
                System.out.println("    " + entry.thrown());
                entry.causes().forEach(cause -> System.out.println("      caused by: " + cause));
            }
        }
        System.out.println(newest.size() + " of " + entries.size() + " records in the ring; " + walk.lost()
                + " older ones overwritten");
    }

    @Descriptor("print Declarative Services' components, their state, failures and unsatisfied references: the components zone, rewritten now")
    public void components() throws InterruptedException {
        ComponentsZone zone = runtime.components();
        SnapshotBuffers.Snapshot snapshot = zone == null ? null : zone.rewriteNow();
        if (snapshot == null) {
            System.out.println(zone == null ? "no components zone: components.zone.size is 0 in PID " + KmemdumpRuntime.PID
                    + ", or the zone did not fit the arena" : "no components snapshot written yet");
            return;
        }
        ComponentsText.report(ComponentsText.read(snapshot.text())).forEach(System.out::println);
        System.out.println("as of " + Instant.ofEpochMilli(snapshot.time()) + " (snapshot " + snapshot.sequence() + ")");
    }
}
