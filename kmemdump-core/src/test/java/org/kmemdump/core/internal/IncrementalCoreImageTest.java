package org.kmemdump.core.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.Vmcoreinfo;

/**
 * {@link CoreImage} changes its zones one zone at a time, moving only what follows: after any
 * sequence of registrations, unregistrations (above, below and between the others) and backend
 * changes, both zones must hold exactly what a coreimage built from nothing for the same zones
 * holds, and the text exactly what {@link Vmcoreinfo.Writer} writes for them, cut to the zone's room.
 */
class IncrementalCoreImageTest {
    private static final Owner OWNER = new Owner(0, "test");
    private static final Host HOST = new Host(4242, org.kmemdump.format.Elf64.EM_X86_64, 336, 4096, "java test");

    /** @param releaseLength a release this long makes the text outgrow the zone, so the cut is checked too */
    @ParameterizedTest
    @ValueSource(ints = {10, 15_000})
    void afterEveryChangeTheZonesAreWhatAWholeRewriteWrites(int releaseLength) throws ZoneRegistrationException {
        String release = "r".repeat(releaseLength);
        Random random = new Random(releaseLength);
        List<String> log = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            CoreImage image = new CoreImage(arena, HOST, release);
            ZoneTable table = new ZoneTable(warning -> { });
            table.listener(image); // with its two zones registered, as the runtime has it
            table.register(ZoneIds.ELF, KnownZones.ELF_NAME, image.elf(), OWNER);
            table.register(ZoneIds.VMCOREINFO, KnownZones.VMCOREINFO_NAME, image.vmcoreinfo(), OWNER);
            boolean sawCut = false;
            for (int step = 0; step < 600; step++) {
                int id = 3 + random.nextInt(ZoneIds.MAX_ZONES - 3);
                if (random.nextInt(40) == 0) {
                    RecordingBackend next = new RecordingBackend(random.nextBoolean() ? "b" : "a-longer-name", log);
                    table.changeBackends(() -> { }, () -> next);
                } else if (table.zones().stream().anyMatch(zone -> zone.id() == id)) {
                    table.unregister(id, OWNER);
                } else {
                    String name = "z" + "x".repeat(random.nextInt(14));
                    table.register(id, name, arena.allocate(1 + random.nextInt(100)), OWNER);
                }
                String backend = table.activeBackend() == null ? "none" : table.activeBackend().name();
                byte[] text = expectedText(release, backend, table.zones());
                sawCut |= text.length > CoreImage.VMCOREINFO_CAPACITY - 1;
                assertArrayEquals(padded(text), image.vmcoreinfo().toArray(JAVA_BYTE), "the text after step " + step);
                assertArrayEquals(wholeRewrite(release, backend, table.zones()), image.elf().toArray(JAVA_BYTE),
                        "the ELF zone after step " + step);
            }
            assertTrue(sawCut == (releaseLength > 1000), "the long release's text outgrew the zone");
        }
    }

    /** The ELF zone of a coreimage told of the same zones in ascending id order, each added last. */
    private static byte[] wholeRewrite(String release, String backend, List<ZoneSlot> zones) {
        try (Arena arena = Arena.ofConfined()) {
            CoreImage image = new CoreImage(arena, HOST, release);
            image.backendChanged(backend);
            for (ZoneSlot zone : zones) {
                image.zoneChanged(null, zone);
            }
            return image.elf().toArray(JAVA_BYTE);
        }
    }

    private static byte[] expectedText(String release, String backend, List<ZoneSlot> zones) {
        Vmcoreinfo.Writer writer = Vmcoreinfo.writer().key(Vmcoreinfo.OSRELEASE, release).key(Vmcoreinfo.PAGESIZE, HOST.pageSize())
                .key(Vmcoreinfo.PID, HOST.pid());
        zones.forEach(zone -> writer.zone(zone.id(), zone.name(), zone.address(), zone.size()));
        return writer.key(Vmcoreinfo.BACKEND, backend).key(Vmcoreinfo.ZONES, zones.size()).text().getBytes(StandardCharsets.UTF_8);
    }

    /** @return the zone's bytes for this text: as much as fits before a terminating NUL, then zeros */
    private static byte[] padded(byte[] text) {
        byte[] zone = new byte[CoreImage.VMCOREINFO_CAPACITY];
        System.arraycopy(text, 0, zone, 0, Math.min(text.length, zone.length - 1));
        return zone;
    }
}
