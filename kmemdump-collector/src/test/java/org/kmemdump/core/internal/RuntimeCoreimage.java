package org.kmemdump.core.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.HashSet;
import java.util.Set;

import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.ZoneDirectory;

/**
 * The runtime's own coreimage for the collector's tests: a zone table with the real
 * {@link CoreImage} listening, its two zones allocated where the test says (in an arena file), so
 * the tests check the collector against the ELF zone the runtime really writes. Like the runtime's
 * {@link DumpArena}, it first records each new zone in the arena's {@link ZoneDirectory}, touching
 * no other entry. Sits in the core's package to reach the package-private classes; a plain
 * classpath allows that.
 */
public final class RuntimeCoreimage {
    private static final Owner TEST = new Owner(0, "collector.test");
    private static final String RELEASE = "kmemdump-collector-test";

    private final ZoneTable table = new ZoneTable(warning -> {
        throw new AssertionError(warning);
    });
    private final CoreImage image;
    /** The ids the directory holds: zones are only ever added here, so an entry is written once. */
    private final Set<Integer> recorded = new HashSet<>();

    /**
     * @param pid       the arena owner's pid: the runtime writes its own into the notes and the VMCOREINFO text
     * @param directory the arena's zone directory
     */
    public RuntimeCoreimage(SegmentAllocator memory, long pid, ZoneDirectory directory) {
        Host host = Host.current();
        image = new CoreImage(memory, new Host(pid, host.elfMachine(), host.prstatusSize(), host.pageSize(), host.command()), RELEASE);
        ZoneTable.Listener newEntries = new ZoneTable.Listener() { // in the runtime's order: the directory, then the coreimage zones
            @Override
            public void backendChanged(String backendName) {
            }

            @Override
            public void zoneChanged(ZoneSlot before, ZoneSlot after) {
                if (after != null && recorded.add(after.id())) {
                    directory.set(after.id(), after.name(), after.address(), after.size());
                }
            }
        };
        table.listener(ZoneTable.Listener.both(newEntries, image));
        register(KnownZones.ELF, KnownZones.ELF_NAME, image.elf());
        register(KnownZones.VMCOREINFO, KnownZones.VMCOREINFO_NAME, image.vmcoreinfo());
    }

    public MemorySegment elf() {
        return image.elf();
    }

    public MemorySegment vmcoreinfo() {
        return image.vmcoreinfo();
    }

    /** Registers a zone: the directory gets its entry, the ELF zone its PT_LOAD, the VMCOREINFO text its line. */
    public void register(int id, String name, MemorySegment memory) {
        try {
            table.register(id, name, memory, TEST);
        } catch (ZoneRegistrationException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
