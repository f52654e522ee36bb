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
import org.kmemdump.api.LiveDump;
import org.kmemdump.api.Zone;
import org.kmemdump.collector.CrashListing;
import org.kmemdump.collector.JsonWriter;
import org.kmemdump.format.CrashEntry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * kmemdump in Felix Inventory, and so in the Web Console's status page and zip and in Sling's status
 * dumps: the zones (never their bytes), the backends with the active one, the arena and the crash
 * store; the zip also gets a core of the running process (sensitive zones as zeros, as
 * {@code kmemdump:dump} writes it) and the newest crash's core and summary.
 */
@Component(property = {InventoryPrinter.NAME + "=kmemdump", InventoryPrinter.TITLE + "=kmemdump",
        InventoryPrinter.FORMAT + "=TEXT", InventoryPrinter.FORMAT + "=JSON"})
public final class KmemdumpInventory implements InventoryPrinter, ZipAttachmentProvider {
    /** The name of the printer, and of the folder its attachments are put in. */
    static final String NAME = "kmemdump";

    /** The folder of the zip the live core goes in. */
    static final String LIVE = "live";

    private final StatusSource source;
    private final LiveDump liveDump;

    @Activate
    public KmemdumpInventory(@Reference StatusSource source, @Reference LiveDump liveDump) {
        this.source = source;
        this.liveDump = liveDump;
    }

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        Status status = status();
        out.print(Format.JSON.equals(format) ? json(status) : text(status));
        out.flush();
    }

    @Override
    public void addAttachments(ZipOutputStream zip, String namePrefix) throws IOException {
        Path live = Files.createTempFile("kmemdump-live", ".elf");
        try {
            liveDump.write(live);
            add(zip, namePrefix + NAME + "/" + LIVE + "/" + CrashEntry.CORE, live);
        } finally {
            Files.deleteIfExists(live);
        }
        var newest = status().newestCrash();
        if (newest.isEmpty()) {
            return;
        }
        Path entry = newest.get().path();
        for (String name : List.of(CrashEntry.CORE, CrashEntry.SUMMARY_TEXT, CrashEntry.SUMMARY_JSON)) {
            Path file = entry.resolve(name);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                add(zip, namePrefix + NAME + "/" + newest.get().id() + "/" + name, file);
            }
        }
    }

    private static void add(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        Files.copy(file, zip);
        zip.closeEntry();
    }

    private Status status() {
        return source.read();
    }

    static String text(Status status) {
        StringBuilder text = new StringBuilder("kmemdump\n\nzones: ").append(status.zones().size()).append('\n');
        text.append(String.format("%5s  %-15s  %18s  %12s  %s%n", "id", "name", "address", "size", "state"));
        for (Zone zone : status.zones()) {
            text.append(String.format("%5d  %-15s  0x%016x  %12d  %s%n", zone.id(), zone.name(), zone.address(), zone.size(), Status.state(zone)));
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
                    .name("size").value(zone.size()).name("sensitive").value(zone.sensitive()).name("state").value(Status.state(zone)).endObject();
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
}
