package org.kmemdump.backend.kinfo.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;

import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;
import org.kmemdump.directory.KeptFile;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.KinfoRecord;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * The kernel's Google kinfo backend: a fixed kinfo record ({@code kernel_all_info} and a JVM
 * extension, see {@link org.kmemdump.format.KinfoRecord}) in the reserved area file
 * {@code <kmemdump.directory>/kinfo}, where a reader finds the release string and where the ELF,
 * VMCOREINFO, bundle table and log zones lie without parsing a dump.
 *
 * <p>The default file is kept in the {@link KmemdumpDirectory}, whose claim put a crashed run's
 * files aside before the service was there, so this backend never zeroes a dead run's record.
 */
@Component(configurationPid = KinfoBackend.PID)
@Designate(ocd = KinfoBackend.Config.class)
public class KinfoBackend implements Backend {
    static final String PID = "org.kmemdump.backend.kinfo";

    @ObjectClassDefinition(name = "kmemdump kinfo backend",
            description = "Keeps a Google kinfo record (release string, where the ELF, VMCOREINFO, bundle table and log zones lie) "
                    + "in a reserved area file, for a reader after a crash")
    @interface Config {
        @AttributeDefinition(name = "Service ranking",
                description = "The backend with the highest ranking is active (unless the core pins one by name)")
        int service_ranking() default 50;

        @AttributeDefinition(name = "Build info",
                description = "The record's build_info (at most 255 bytes kept); empty for 'kmemdump <bundle version>'")
        String build_info() default "";

        @AttributeDefinition(name = "Area size",
                description = "Bytes of the reserved area file; at least " + KinfoRecord.AREA_LENGTH + " (both records)")
        long area_size() default 4096;

        @AttributeDefinition(name = "Area file",
                description = "Path of the reserved area file; empty for 'kinfo' in the kmemdump directory (framework property kmemdump.directory)")
        String area_file() default "";
    }

    /** The reserved area file, kept in the kmemdump directory unless configuration names another. */
    private final KeptFile<KinfoArea> area;

    @Activate
    public KinfoBackend(BundleContext context, @Reference(name = "directory") KmemdumpDirectory directory, Config config)
            throws IOException {
        long size = config.area_size();
        KinfoArea.checkSize(size);
        String buildInfo = config.build_info().isBlank() ? "kmemdump " + context.getBundle().getVersion() : config.build_info();
        int threadSize = threadStackSize();
        area = directory.keep(KinfoRecord.FILE_NAME, config.area_file(), file -> KinfoArea.open(file, size, buildInfo, threadSize));
    }

    /**
     * The kernel's {@code THREAD_SIZE} for the JVM: the default stack size of a Java thread
     * ({@code -Xss}, HotSpot's {@code ThreadStackSize}, in KiB), in bytes.
     *
     * @return 0 when it is not known: not HotSpot, {@code com.sun.management} not wired, or
     *         {@code ThreadStackSize} 0 (HotSpot then leaves the size to the operating system)
     */
    static int threadStackSize() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot == null) {
                return 0;
            }
            long bytes = Long.parseLong(hotSpot.getVMOption("ThreadStackSize").getValue()) * 1024;
            return bytes > 0 && bytes <= 0xFFFF_FFFFL ? (int) bytes : 0; // u32
        } catch (RuntimeException | LinkageError unknown) {
            return 0;
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        area.close();
    }

    @Override
    public String name() {
        return "kinfo";
    }

    @Override
    public void registerRegion(Region region) throws RegionRefusedException {
        area.file().register(region);
    }

    @Override
    public void unregisterRegion(Region region) {
        area.file().unregister(region);
    }
}
