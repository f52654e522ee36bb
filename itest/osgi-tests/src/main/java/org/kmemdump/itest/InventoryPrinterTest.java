package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneOption;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.format.CrashEntry;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectService;

/**
 * The Web Console bundle's Felix Inventory printer, installed with Felix Inventory and the collector
 * library beside the runtime: its zone rows are the registry's zones, its backends mark the one the
 * arena names as active, and a sensitive zone is listed as such; the status zip gets the newest
 * crash's files. Called by reflection, as the
 * Inventory would, so the test bundle does not import the Inventory API the runtime lacks.
 */
class InventoryPrinterTest extends InFramework {
    private static final Pattern ZONE_ROW = Pattern.compile("(?m)^ *(\\d+)  (\\S+) +0x([0-9a-f]{16}) +(\\d+)  (.+)$");

    private static final String PRINTER = "(felix.inventory.printer.name=kmemdump)";

    @InjectService
    ZoneRegistry registry;

    @Test
    void theInventoryListsTheRegistrysZonesAndTheActiveBackend() throws Exception {
        Bundle inventory = installPrinter();
        ServiceReference<?> reference = printer();
        assertEquals(List.of("TEXT", "JSON"), Arrays.asList((String[]) reference.getProperty("felix.inventory.printer.format")));

        try (Arena arena = Arena.ofShared()) {
            Zone plain = registry.register("inv-plain", arena.allocate(64));
            Zone secret = registry.register("inv-secret", arena.allocate(32), ZoneOption.SENSITIVE);
            try {
                printsEveryZone(reference, inventory, plain, secret);
            } finally {
                registry.unregister(plain.id());
                registry.unregister(secret.id());
            }
        }
    }

    private void printsEveryZone(ServiceReference<?> reference, Bundle inventory, Zone plain, Zone secret) throws Exception {
        List<Zone> before = registry.zones();
        String text = print(reference, inventory, "TEXT");
        String json = print(reference, inventory, "JSON");
        assertEquals(before, registry.zones(), "the zones changed while the printer ran: the test cannot compare");

        Matcher rows = ZONE_ROW.matcher(text);
        int row = 0;
        while (rows.find()) {
            Zone zone = before.get(row++);
            assertEquals(zone.id(), Integer.parseInt(rows.group(1)), rows.group());
            assertEquals(zone.name(), rows.group(2), rows.group());
            assertEquals(zone.address(), Long.parseUnsignedLong(rows.group(3), 16), rows.group());
            assertEquals(zone.size(), Long.parseLong(rows.group(4)), rows.group());
            assertEquals(zone.sensitive(), rows.group(5).contains("sensitive"), rows.group());
        }
        assertEquals(before.size(), row, "one row per registered zone in:\n" + text);
        assertTrue(before.contains(plain) && before.contains(secret), before.toString());
        assertTrue(text.contains("\n* default\n"), "the default backend is the active one:\n" + text);
        assertTrue(json.startsWith("{\"zones\":[") && json.contains("\"name\":\"inv-secret\"") && json.contains("\"sensitive\":true")
                && json.contains("{\"name\":\"default\",\"active\":true}") && json.contains("\"crashes\":["), json);
    }

    @Test
    void theStatusZipGetsTheNewestCrashsCoreAndSummary() throws Exception {
        installPrinter();
        Path crashes = new Fixture(context, configurationAdmin).directory().resolve(CrashEntry.CRASHES);
        Path older = crashEntry(crashes, CrashEntry.id(1_000_000_000_000L, 41), "older core");
        Path newest = crashEntry(crashes, CrashEntry.id(1_700_000_000_000L, 42), "newest core");
        try {
            ServiceReference<?> reference = printer();
            Object printer = context.getService(reference);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                printer.getClass().getMethod("addAttachments", ZipOutputStream.class, String.class).invoke(printer, zip, "status/");
            } finally {
                context.ungetService(reference);
            }
            Map<String, String> entries = new TreeMap<>();
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                    entries.put(entry.getName(), new String(zip.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
            }
            String live = entries.remove("status/kmemdump/live/core.elf");
            assertTrue(live != null && live.startsWith("\u007fELF"), "a core of the running process: " + entries.keySet());
            String id = newest.getFileName().toString();
            assertEquals(Map.of("status/kmemdump/" + id + "/core.elf", "newest core", "status/kmemdump/" + id + "/summary.txt",
                    "pid: 42\n", "status/kmemdump/" + id + "/summary.json", "{\"pid\":42}\n"), entries);
        } finally {
            for (Path entry : List.of(older, newest)) {
                for (String name : List.of(CrashEntry.CORE, CrashEntry.SUMMARY_TEXT, CrashEntry.SUMMARY_JSON)) {
                    Files.deleteIfExists(entry.resolve(name));
                }
                Files.delete(entry);
            }
        }
    }

    /**
     * @return a crash entry as the store keeps one after its collection: a core and both summaries,
     *         made as a {@code .partial} directory and renamed, as the store makes one. Whole and
     *         collected from the start, so the collector's AutoCollection, started by this test,
     *         never takes it for a crash to announce and collect, writing into it as the test reads.
     */
    private static Path crashEntry(Path crashes, String id, String core) throws IOException {
        Path partial = Files.createDirectories(crashes.resolve(id + CrashEntry.PARTIAL));
        String pid = id.substring(id.lastIndexOf('-') + 1);
        Files.writeString(partial.resolve(CrashEntry.CORE), core);
        Files.writeString(partial.resolve(CrashEntry.SUMMARY_TEXT), "pid: " + pid + "\n");
        Files.writeString(partial.resolve(CrashEntry.SUMMARY_JSON), "{\"pid\":" + pid + "}\n");
        return Files.move(partial, crashes.resolve(id));
    }

    /** @return the Inventory bundle, after installing it with the collector library and the printer's bundle */
    private Bundle installPrinter() throws Exception {
        Bundle inventory = installer.installBundle(Fixture.embedded("org.apache.felix.inventory"), false);
        installer.installBundle(Fixture.embedded("kmemdump-collector"), false).start();
        installer.installBundle(Fixture.embedded("kmemdump-webconsole"), false).start();
        inventory.start();
        await("the kmemdump inventory printer", () -> references(PRINTER) != null);
        return inventory;
    }

    private ServiceReference<?> printer() {
        return references(PRINTER)[0];
    }

    private ServiceReference<?>[] references(String filter) {
        try {
            return context.getServiceReferences("org.apache.felix.inventory.InventoryPrinter", filter);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Prints as the Inventory does: {@code print(PrintWriter, Format, isZip)}, the format from the Inventory's own class. */
    private String print(ServiceReference<?> reference, Bundle inventory, String format) throws Exception {
        Class<?> formats = inventory.loadClass("org.apache.felix.inventory.Format");
        Object printer = context.getService(reference);
        try {
            StringWriter out = new StringWriter();
            printer.getClass().getMethod("print", PrintWriter.class, formats, boolean.class)
                    .invoke(printer, new PrintWriter(out), formats.getField(format).get(null), false);
            return out.toString();
        } finally {
            context.ungetService(reference);
        }
    }
}
