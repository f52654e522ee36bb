package org.kmemdump.webconsole.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.felix.inventory.Format;
import org.apache.felix.inventory.InventoryPrinter;
import org.apache.felix.inventory.ZipAttachmentProvider;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
import org.kmemdump.collector.CrashListing;
import org.kmemdump.collector.JsonWriter;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.CrashEntry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * kmemdump in Felix Inventory, and so in the Web Console's status page and zip and in Sling's status
 * dumps: the zones (never their bytes), the backends with the active one, the arena and the crash
 * store; the zip also gets the newest crash's core and summary.
 */
@Component(property = {InventoryPrinter.NAME + "=kmemdump", InventoryPrinter.TITLE + "=kmemdump",
        InventoryPrinter.FORMAT + "=TEXT", InventoryPrinter.FORMAT + "=JSON"})
public final class KmemdumpInventory implements InventoryPrinter, ZipAttachmentProvider {
    /** The name of the printer, and of the folder its attachments are put in. */
    static final String NAME = "kmemdump";

    private final ZoneRegistry registry;
    private final KmemdumpDirectory directory;

    /** Sorted by DS in ascending ranking order. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<Backend> backends;

    @Activate
    public KmemdumpInventory(@Reference ZoneRegistry registry, @Reference KmemdumpDirectory directory) {
        this.registry = registry;
        this.directory = directory;
    }

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        Status status = status();
        out.print(Format.JSON.equals(format) ? json(status) : text(status));
        out.flush();
    }

    @Override
    public void addAttachments(ZipOutputStream zip, String namePrefix) throws IOException {
        var newest = status().newestCrash();
        if (newest.isEmpty()) {
            return;
        }
        Path entry = newest.get().path();
        for (String name : List.of(CrashEntry.CORE, CrashEntry.SUMMARY_TEXT, CrashEntry.SUMMARY_JSON)) {
            Path file = entry.resolve(name);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                zip.putNextEntry(new ZipEntry(namePrefix + NAME + "/" + newest.get().id() + "/" + name));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
    }

    private Status status() {
        List<String> names = backends.reversed().stream().map(Backend::name).toList();
        return Status.read(registry.zones(), names, directory.path());
    }

    static String text(Status status) {
        StringBuilder text = new StringBuilder("kmemdump\n\nzones: ").append(status.zones().size()).append('\n');
        text.append(String.format("%5s  %-15s  %18s  %12s  %s%n", "id", "name", "address", "size", "state"));
        for (Zone zone : status.zones()) {
            text.append(String.format("%5d  %-15s  0x%016x  %12d  %s%n", zone.id(), zone.name(), zone.address(), zone.size(), state(zone)));
        }
        text.append("\nbackends (* active):\n");
        for (String backend : status.backends()) {
            text.append(status.active().filter(backend::equals).isPresent() ? "* " : "  ").append(backend).append('\n');
        }
        text.append("\narena: ").append(status.arenaPath()).append('\n');
        status.arena().ifPresentOrElse(header -> text.append(String.format("  pid %d, %d bytes at 0x%x, backend %s%n", header.pid(),
                header.length(), header.baseAddress(), header.backend())), () -> text.append("  ").append(status.arenaProblem()).append('\n'));
        text.append("\ncrash store:\n");
        text.append(status.crashProblem().isEmpty() ? CrashListing.text(status.crashes()) : status.crashProblem() + "\n");
        return text.toString();
    }

    static String json(Status status) {
        JsonWriter json = new JsonWriter().beginObject().name("zones").beginArray();
        for (Zone zone : status.zones()) {
            json.beginObject().name("id").value(zone.id()).name("name").value(zone.name()).name("address").unsignedValue(zone.address())
                    .name("size").value(zone.size()).name("sensitive").value(zone.sensitive()).name("state").value(state(zone)).endObject();
        }
        json.endArray().name("backends").beginArray();
        for (String backend : status.backends()) {
            json.beginObject().name("name").value(backend).name("active").value(status.active().filter(backend::equals).isPresent()).endObject();
        }
        json.endArray().name("arena").beginObject().name("path").value(status.arenaPath().toString());
        status.arena().ifPresentOrElse(header -> json.name("pid").value(header.pid()).name("baseAddress").unsignedValue(header.baseAddress())
                .name("length").value(header.length()).name("backend").value(header.backend()),
                () -> json.name("problem").value(status.arenaProblem()));
        json.endObject().name("crashes");
        if (status.crashProblem().isEmpty()) {
            CrashListing.json(json, status.crashes());
        } else {
            json.beginObject().name("problem").value(status.crashProblem()).endObject();
        }
        return json.endObject().toString();
    }

    /** A registered zone is dumped; a sensitive one only through the arena's zone directory, never by a backend. */
    private static String state(Zone zone) {
        return zone.sensitive() ? "registered, sensitive (kept from backends)" : "registered";
    }
}
